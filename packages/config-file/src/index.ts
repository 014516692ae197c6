/**
 * @klaxon/config-file: reads YAML files against a zod schema and reports every problem with its file,
 * line, column, path and fix. This is the package's only public entry.
 */
export { ConfigFileError, formatPath, formatProblem, type FileProblem } from './problems.ts';
export {
  describeIssue,
  loadYaml,
  parseYaml,
  type LoadYamlOptions,
  type ParseYamlOptions,
  type ReportProblem,
} from './yaml.ts';
