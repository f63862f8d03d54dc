/**
 * QR codes for the online version of a fact sheet, by the maintained `qrcode` library. Imported
 * only by documents that have a `url` (lambdas/render/index.ts), so the others never load it.
 */
import { create } from 'qrcode/lib/core/qrcode.js';
import type { MarkupDocument, QrMatrix } from './types';

/** The markup's `<qr>` addresses, each as its matrix of modules. */
export function qrMatrices(markup: MarkupDocument): ReadonlyMap<string, QrMatrix> {
  const matrices = new Map<string, QrMatrix>();
  for (const block of markup.body) {
    if (block.kind !== 'qr' || matrices.has(block.href)) continue;
    // Level M survives a crease or a smudge on paper and keeps a short address's code small.
    const { modules } = create(block.href, { errorCorrectionLevel: 'M' });
    matrices.set(block.href, { size: modules.size, dark: Uint8Array.from(modules.data) });
  }
  return matrices;
}
