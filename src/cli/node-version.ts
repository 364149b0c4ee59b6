// The Node releases the command runs on. The floor is package.json's `engines.node` (one place), which reads
// `>=N`: the CLI checks it before it loads anything that an older Node might not parse or run.

/** The oldest supported Node major, from an `engines.node` range of the form `>=N`. */
export function nodeFloor(engines: string): number {
  const floor = /^>=\s*(\d+)$/.exec(engines.trim());
  if (!floor) throw new Error(`package.json engines.node must read ">=N", not "${engines}"`);
  return Number(floor[1]);
}

/** The one line to print (then exit 1) when `version` (process.versions.node) is older than the floor. */
export function unsupportedNode(version: string, engines: string): string | undefined {
  const floor = nodeFloor(engines);
  const major = Number(version.split('.')[0]);
  if (major >= floor) return undefined;
  return `clerk-invitations-mock: Node ${version} is not supported; use Node ${floor} or newer (engines: "${engines}")`;
}
