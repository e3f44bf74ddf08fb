// The root shape for a kind of file.
import type { FileKind } from '../../helper/topology/kind.js';
import type { Shape } from './shape.js';
import { COMPOSE, TOPOLOGY } from './vocabulary.js';

export const rootShape = (kind: FileKind): Shape => (kind === 'compose' ? COMPOSE : TOPOLOGY);
