/**
 * Pure rules of the unit tree (单位树): where a unit may move, and the order and paths of units
 * created together by an import.
 */

export interface TreeNode {
  id: string;
  path: readonly string[];
}

/**
 * Why a unit may not move under `parent` (null: it may). A unit never moves under itself or one of
 * its descendants: that would cut the subtree off the tree into a cycle.
 */
export function moveRefusal(unit: TreeNode, parent: TreeNode | null): string | undefined {
  if (!parent) return undefined;
  if (parent.id === unit.id) return 'must not be the unit itself';
  if (parent.path.includes(unit.id)) return 'must not be a descendant of the unit';
  return undefined;
}

/** The path of every descendant after its subtree root moved from `oldRootPath` to `newRootPath`. */
export function movedPath(path: readonly string[], oldRootPath: readonly string[], newRootPath: readonly string[]): string[] {
  return [...newRootPath, ...path.slice(oldRootPath.length)];
}

export interface NewUnitRow {
  id: string;
  parentId: string | null;
}

/**
 * Paths of units created together, each under an existing unit (`existing`) or under another row.
 * Returns the path per id, and per id the reason it has none (unknown parent, or a cycle).
 */
export function planNewUnits(
  rows: readonly NewUnitRow[],
  existing: ReadonlyMap<string, TreeNode>,
): { paths: Map<string, string[]>; problems: Map<string, 'parent-missing' | 'cycle'> } {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const paths = new Map<string, string[]>();
  const problems = new Map<string, 'parent-missing' | 'cycle'>();
  const resolve = (id: string, seen: Set<string>): string[] | undefined => {
    if (paths.has(id)) return paths.get(id);
    if (problems.has(id)) return undefined;
    const row = byId.get(id)!;
    if (row.parentId === null) {
      paths.set(id, [id]);
      return [id];
    }
    const parentExisting = existing.get(row.parentId);
    let parentPath: readonly string[] | undefined;
    if (byId.has(row.parentId)) {
      if (seen.has(row.parentId)) {
        problems.set(id, 'cycle');
        return undefined;
      }
      parentPath = resolve(row.parentId, new Set([...seen, id]));
      if (!parentPath) {
        if (!problems.has(id)) problems.set(id, problems.get(row.parentId) === 'cycle' ? 'cycle' : 'parent-missing');
        return undefined;
      }
    } else if (parentExisting) {
      parentPath = parentExisting.path;
    } else {
      problems.set(id, 'parent-missing');
      return undefined;
    }
    const path = [...parentPath, id];
    paths.set(id, path);
    return path;
  };
  for (const row of rows) resolve(row.id, new Set([row.id]));
  return { paths, problems };
}
