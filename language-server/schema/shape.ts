// The subset of JSON Schema the vocabulary is written in. One definition serves the published
// schema file, the schema diagnostics, key completion and hover.
export interface Shape {
  description?: string;
  type?: 'object' | 'array' | 'string' | 'boolean' | 'integer' | 'null';
  /** Scalars that are accepted (completion offers them). */
  enum?: readonly string[];
  properties?: Record<string, Shape>;
  /** A map's values (true: anything, false: closed object). */
  additionalProperties?: Shape | boolean;
  items?: Shape;
  anyOf?: Shape[];
  /** An example value, offered as a completion snippet. */
  examples?: readonly string[];
}

/** The branch of a union that fits a node kind; a plain shape fits itself. */
export function branch(shape: Shape, kind: 'object' | 'array' | 'scalar'): Shape | undefined {
  const fits = (s: Shape) => (kind === 'scalar' ? s.type !== 'object' && s.type !== 'array' : s.type === kind);
  if (!shape.anyOf) return fits(shape) || shape.type === undefined ? shape : undefined;
  return shape.anyOf.find(fits);
}

/** The shape of a map key's value, following properties then additionalProperties. */
export function child(shape: Shape, key: string): Shape | undefined {
  const obj = branch(shape, 'object');
  if (!obj) return undefined;
  if (obj.properties?.[key]) return obj.properties[key];
  return typeof obj.additionalProperties === 'object' ? obj.additionalProperties : undefined;
}

/** The shape of a list's items. */
export function itemOf(shape: Shape): Shape | undefined {
  return branch(shape, 'array')?.items;
}

/** The shape at a cursor path ('-' steps into list items). */
export function shapeAt(root: Shape, path: readonly string[]): Shape | undefined {
  let s: Shape | undefined = root;
  for (const seg of path) s = s && (seg === '-' ? itemOf(s) : child(s, seg));
  return s;
}

/** A shape's description, looking into a union's branches when the union has none. */
export function describe(shape: Shape | undefined): string | undefined {
  return shape?.description ?? shape?.anyOf?.find((s) => s.description)?.description;
}
