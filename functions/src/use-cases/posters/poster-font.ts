import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The CJK font printed on posters. pdfkit embeds only the glyphs a poster uses (it subsets), so
 * an 8 MB font file becomes a few KB per PDF.
 *
 * The font comes from the npm package @embedpdf/fonts-sc (Noto Sans Hans, SIL OFL), so that a
 * Lambda does not depend on Debian's fonts-noto-cjk. Its `exports` map hides the .otf files, so
 * they are found next to the package's entry point. Bundled Lambdas copy the file and set
 * POSTER_FONT_PATH (see docs/decisions/0005-admin-dependencies.md); Debian's font is the last resort.
 */
const DEBIAN_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

export interface PosterFont {
  path: string;
  /** For a font collection (.ttc): the face to use. */
  family?: string;
}

let found: PosterFont | undefined;

export function posterFont(configured?: string): PosterFont {
  if (configured) return { path: configured };
  if (found) return found;
  try {
    const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
    const path = join(dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf');
    if (existsSync(path)) return (found = { path });
  } catch {
    // not installed (a bundle without node_modules): fall through
  }
  if (existsSync(DEBIAN_FONT)) return (found = { path: DEBIAN_FONT, family: 'NotoSansCJKsc-Regular' });
  throw new Error('no CJK font for posters: install @embedpdf/fonts-sc or set POSTER_FONT_PATH');
}
