/**
 * The semantic half of the Alloy check: every component reference in a parsed config
 * (`discovery.relabel.pods.output`, `loki.write.default.receiver`) names a component block defined at
 * the top level of the same file, and no component (name and label) is defined twice.
 */
import type { AlloyError, AlloyExpr, AlloyStatement } from './alloy.ts';

/** Names a non-call reference may start with instead of a component: constants and module arguments. */
const BUILTIN_ROOTS = new Set(['constants', 'argument']);

/** `a.b.c` as ['a', 'b', 'c'] when the expression is a plain access chain from an identifier. */
function chain(e: AlloyExpr): string[] | null {
  if (e.kind === 'ident') return [e.name];
  if (e.kind !== 'access') return null;
  const head = chain(e.object);
  return head ? [...head, e.name] : null;
}

function visit(e: AlloyExpr, onRef: (parts: string[], e: AlloyExpr) => void): void {
  const parts = chain(e);
  if (parts) return onRef(parts, e);
  switch (e.kind) {
    case 'access':
      return visit(e.object, onRef);
    case 'index':
      return (visit(e.object, onRef), visit(e.index, onRef));
    case 'call':
      // The callee is a standard-library function (`sys.env`, `concat`), not a component.
      if (!chain(e.fn)) visit(e.fn, onRef);
      return e.args.forEach((a) => visit(a, onRef));
    case 'array':
      return e.elements.forEach((x) => visit(x, onRef));
    case 'object':
      return e.fields.forEach((f) => visit(f.value, onRef));
    case 'unary':
      return visit(e.operand, onRef);
    case 'binary':
      return (visit(e.left, onRef), visit(e.right, onRef));
    default:
      return;
  }
}

/**
 * Every reference (`<component name>.<label>.<export>…`) names a component defined at the top level of
 * the file, and no component is defined twice.
 */
export function alloyReferenceErrors(body: AlloyStatement[]): AlloyError[] {
  const errors: AlloyError[] = [];
  const components = new Set<string>();
  for (const s of body) {
    if (s.kind !== 'block' || s.label === undefined) continue;
    const key = `${s.name}.${s.label}`;
    if (components.has(key))
      errors.push({
        ...s.pos,
        message: `${s.name} "${s.label}" is defined twice: give each component its own label`,
      });
    components.add(key);
  }
  const resolves = (parts: string[]) => {
    for (let split = 1; split + 1 < parts.length; split++)
      if (components.has(parts.slice(0, split + 1).join('.'))) return true;
    return false;
  };
  const walk = (statements: AlloyStatement[]) => {
    for (const s of statements) {
      if (s.kind === 'block') walk(s.body);
      else
        visit(s.value, (parts, e) => {
          if (BUILTIN_ROOTS.has(parts[0]!) || resolves(parts)) return;
          errors.push({
            ...e.pos,
            message: `${parts.join('.')} (in ${s.name}) names no component export: define the component it names (e.g. loki.write "default" for loki.write.default.receiver) or fix the reference`,
          });
        });
    }
  };
  walk(body);
  return errors;
}
