/**
 * The import graph between top-level folders (and top-level files) of a source tree, as dependency-cruiser
 * reads it — type-only imports included — and the cycles in it (strongly connected components).
 */
import { cruise } from 'dependency-cruiser';

export type FolderGraph = Map<string, Map<string, string[]>>;

/** folder → folder → the file-level imports behind that edge. */
export async function folderGraph(root: string): Promise<FolderGraph> {
  const result = await cruise([root], {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  });
  if (typeof result.output === 'string') throw new Error('dependency-cruiser answered text, not a graph');
  const folderOf = (path: string) => path.slice(root.length + 1).split('/')[0]!;
  const graph: FolderGraph = new Map();
  for (const module of result.output.modules) {
    if (!module.source.startsWith(`${root}/`)) continue;
    const from = folderOf(module.source);
    if (!graph.has(from)) graph.set(from, new Map());
    for (const dependency of module.dependencies) {
      if (!dependency.resolved.startsWith(`${root}/`)) continue;
      const to = folderOf(dependency.resolved);
      if (to === from) continue;
      const edges = graph.get(from)!;
      edges.set(to, [...(edges.get(to) ?? []), `${module.source} → ${dependency.resolved}`]);
    }
  }
  return graph;
}

/** Every set of two or more folders that import each other, directly or around a loop (Tarjan). */
export function folderCycles(graph: FolderGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node)?.keys() ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}
