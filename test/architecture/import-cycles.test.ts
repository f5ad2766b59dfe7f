/**
 * Folders are layers: no two folders under src/ import each other, directly or around a loop, type-only
 * imports included. The same check is run on a fixture with a cycle, so it is known to fail when it should.
 */
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderCycles, folderGraph } from './folder-graph.ts';

const fixture = relative(process.cwd(), `${import.meta.dirname}/fixtures/cyclic`);

describe('import cycles between folders', () => {
  it('src/ has none', async () => {
    const graph = await folderGraph('src');
    expect(graph.size).toBeGreaterThan(15);
    const cycles = folderCycles(graph).map((members) =>
      members.flatMap((from) => members.flatMap((to) => graph.get(from)?.get(to)?.slice(0, 2) ?? [])),
    );
    expect(cycles).toEqual([]);
  });

  it('are found when there is one, type-only imports included', async () => {
    const graph = await folderGraph(fixture);
    expect(folderCycles(graph)).toEqual([['alpha', 'beta']]);
  });

  it('are found around a loop of three, and a layered graph has none', () => {
    const graph = (edges: Array<[string, string]>) => {
      const g = new Map<string, Map<string, string[]>>();
      for (const [from, to] of edges) {
        if (!g.has(from)) g.set(from, new Map());
        if (!g.has(to)) g.set(to, new Map());
        g.get(from)!.set(to, [`${from}→${to}`]);
      }
      return g;
    };
    expect(
      folderCycles(
        graph([
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'a'],
          ['c', 'd'],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(
      folderCycles(
        graph([
          ['api', 'orders'],
          ['orders', 'ledger'],
          ['api', 'ledger'],
        ]),
      ),
    ).toEqual([]);
  });
});
