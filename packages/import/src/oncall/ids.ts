/** Klaxon ids made from OnCall names: lowercase, `[a-z0-9_-]`, unique within their kind. */
export class IdMaker {
  readonly #taken = new Set<string>();

  make(name: string, fallback: string): string {
    let base = name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[-_]+|[-_]+$/g, '')
      .slice(0, 50);
    if (!base)
      base =
        fallback
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')
          .slice(0, 50) || 'x';
    let id = base;
    for (let n = 2; this.#taken.has(id); n++) id = `${base}-${n}`;
    this.#taken.add(id);
    return id;
  }
}
