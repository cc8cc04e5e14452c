/** Bodies arranged under their parents, for nested lists and for indented parent pickers. */
export interface TreeBody {
  id: string;
  parentId: string | null;
  name: string;
}

export interface TreeNode<B extends TreeBody> {
  body: B;
  children: TreeNode<B>[];
}

export function buildTree<B extends TreeBody>(bodies: B[]): TreeNode<B>[] {
  const nodes = new Map(bodies.map((b) => [b.id, { body: b, children: [] as TreeNode<B>[] }]));
  const roots: TreeNode<B>[] = [];
  for (const node of nodes.values()) {
    // A body whose parent is archived or not visible shows at the top rather than disappearing.
    const parent = node.body.parentId ? nodes.get(node.body.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/** Tree order with each body's depth, optionally leaving out one body and everything under it. */
export function flattenTree<B extends TreeBody>(bodies: B[], excludeId?: string): { body: B; depth: number }[] {
  const out: { body: B; depth: number }[] = [];
  const walk = (nodes: TreeNode<B>[], depth: number) => {
    for (const n of nodes) {
      if (n.body.id === excludeId) continue;
      out.push({ body: n.body, depth });
      walk(n.children, depth + 1);
    }
  };
  walk(buildTree(bodies), 0);
  return out;
}

/** Options for a parent-body select: "none" first, then the bodies indented by depth. */
export function parentOptions<B extends TreeBody>(bodies: B[], noneLabel: string, excludeId?: string) {
  return [
    { value: '', label: noneLabel },
    ...flattenTree(bodies, excludeId).map(({ body, depth }) => ({ value: body.id, label: `${'\u2014 '.repeat(depth)}${body.name}` }))
  ];
}
