/**
 * Bounded memory for long imports in the server process. The server keeps little of an import
 * (a batch, the identity keys), but its batches (rows, the insert's JSON text) are garbage that V8
 * lets a busy heap grow on lazily: even with the parse in its worker, a 30,000-row import took
 * the server from ~300 to ~650 MB RSS. The server's heap limit is not the import's to set, so
 * between batches, when the heap has grown by more than `growthBytes` over what was live after
 * the last collection, the import asks for a full collection (~0.1–0.3 s for Strapi's heap; the
 * server mostly waits for the parse worker meanwhile, so the time is hidden).
 */
import v8 from 'v8';
import vm from 'vm';

let gc: (() => void) | null | undefined;
/** V8's collector, exposed at run time (`--expose-gc` is read when a context is created). */
function collector(): (() => void) | null {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  return gc;
}

const used = () => v8.getHeapStatistics().used_heap_size;

/** Returns the check to call between batches; it collects when the heap grew past the bound. */
export function heapGuard(growthBytes = 120 * 1024 * 1024): () => void {
  let base = used();
  return () => {
    if (used() - base < growthBytes) return;
    const run = collector();
    if (!run) return;
    run();
    base = used();
  };
}
