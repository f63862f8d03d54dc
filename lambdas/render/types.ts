/**
 * The values that flow between pipeline stages:
 * load → parse → validate → template → markup → layout → draw.
 * Each stage takes the previous stage's value and returns a new one.
 */
import type { Problem } from './errors';
import type { BrandFace } from './fonts';

/** load: one file as uploaded, before anything is decoded. */
export interface SourceFile {
  /** Name shown in every message: the bucket key or the local path. */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Drives the PDF creation date, so that the same input gives the same bytes. */
  readonly modifiedAt: Date;
}

export type SourceFormat = 'yaml' | 'json' | 'markdown' | 'dispatch';

/** Line and column, both 1-based, as an editor shows them. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** parse: the decoded document, not yet checked against the content format. */
export interface ParsedDocument {
  readonly file: string;
  readonly format: SourceFormat;
  readonly data: unknown;
  /** Where each field path (`quotes[2].text`) starts in the source, where the format knows. */
  readonly positions: ReadonlyMap<string, SourcePosition>;
  /** What the reader wants the editor to know: a dispatch's fields were derived by rules. */
  readonly warnings?: readonly string[];
}

/** A date at the precision the author gave it. */
export interface PartialDate {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
  /** ISO 8601 time part (`14:30`, `14:30:00Z`) when a date-time was given. */
  readonly time?: string;
  /** The text as written, for messages. */
  readonly raw: string;
}

interface Fact {
  readonly label: string;
  readonly value: string;
}
export interface Party {
  readonly name: string;
  readonly role?: string;
  readonly country?: string;
}
/** A picture from the content folder; `src` is relative to the document (docs/content-format.md). */
export interface Figure {
  readonly src: string;
  readonly alt: string;
  readonly caption?: string;
  readonly credit?: string;
}
interface ChartSeries {
  readonly name: string;
  /** One a label, in the labels' order. */
  readonly values: readonly number[];
}
/** Figures drawn as a chart, and given as a table too (docs/content-format.md, "Charts"). */
export interface Chart {
  /** Absent: bar. */
  readonly type?: 'bar' | 'line';
  readonly title: string;
  /** What the values count (`%`, `millions of people`), shown with the axis and in the table. */
  readonly unit: string;
  readonly labels: readonly string[];
  readonly series: readonly ChartSeries[];
}
/** A chart once its type is decided. */
export type DrawnChart = Chart & { readonly type: 'bar' | 'line' };
/** A bullet, in the order of the list; `level` 0 is the list's own, 1 and 2 sub-bullets of the one before. */
export interface ListItem {
  readonly text: string;
  readonly level: ListLevel;
}
export type ListLevel = 0 | 1 | 2;
export interface Section {
  readonly heading: string;
  /** `body` normalised to a list of paragraphs. */
  readonly body: readonly string[];
  readonly bullets: readonly ListItem[];
  /** Shown after the section's text. */
  readonly image?: Figure;
  /** Shown after the section's picture. */
  readonly chart?: Chart;
}
export interface Quote {
  readonly text: string;
  readonly speaker?: string;
  readonly context?: string;
}
interface TimelineEntry {
  /** A parsed date, or free text such as "jeudi". */
  readonly date: PartialDate | string;
  readonly event: string;
}
export interface Source {
  readonly name: string;
  readonly url?: string;
  readonly date?: PartialDate;
}

/**
 * validate: an event document that satisfies docs/content-format.md.
 * Field names are the format's own, so template authors read the format and nothing else.
 * Optional lists are always present (empty when absent).
 */
export interface EventDocument {
  readonly title: string;
  readonly date: PartialDate;
  /** BCP 47 tag as the author wrote it (normalised case); the template stage resolves fallbacks. */
  readonly lang: string;
  readonly template: string;
  readonly subtitle?: string;
  readonly category?: string;
  readonly classification?: string;
  readonly location?: string;
  readonly summary?: string;
  readonly facts: readonly Fact[];
  readonly parties: readonly Party[];
  readonly key_points: readonly ListItem[];
  readonly sections: readonly Section[];
  readonly quotes: readonly Quote[];
  readonly timeline: readonly TimelineEntry[];
  readonly context: readonly string[];
  readonly sources: readonly Source[];
  readonly tags: readonly string[];
  readonly author?: string;
  readonly images: readonly Figure[];
  readonly charts: readonly Chart[];
  /** The online version (https), printed as a QR code and a link. */
  readonly url?: string;
}

export interface ValidatedDocument {
  readonly file: string;
  readonly format: SourceFormat;
  readonly document: EventDocument;
  readonly warnings: readonly Problem[];
}

/** What reading one picture of the content folder gave. */
export type ImageRead =
  | { readonly kind: 'found'; readonly bytes: Uint8Array }
  | { readonly kind: 'missing' }
  /** A symbolic link in a local content folder whose file lies outside it: not followed. */
  | { readonly kind: 'outside' }
  | { readonly kind: 'too-large'; readonly bytes: number };

/**
 * How the engine reads a document's pictures without knowing where they are (a local folder,
 * the bucket's content/ prefix): the caller decides, so the engine needs no file system or S3.
 */
export interface ImageAccess {
  /** The document's own path inside the content folder, '/'-separated (`world/macron.yaml`). */
  readonly documentPath: string;
  /** `path` is inside the content folder, '/'-separated, with no `.` or `..`; reads at most `maxBytes`. */
  read(path: string, maxBytes: number): Promise<ImageRead>;
  /**
   * What messages put before a picture's path to name it where the uploader looks for it (the
   * bucket's `content/`, so that a report names the key). Data, not a function: it crosses to
   * render worker threads. @default messages say `<path> in the content folder`
   */
  readonly namePrefix?: string;
}

/** images: a checked picture, ready to embed. */
export type LoadedImage =
  | {
      readonly format: 'jpeg' | 'png';
      /** Pixels as displayed (a JPEG's EXIF rotation applied). */
      readonly width: number;
      readonly height: number;
      readonly bytes: Uint8Array;
    }
  | {
      readonly format: 'svg';
      /** The SVG's own size in CSS pixels, as a browser would show it. */
      readonly width: number;
      readonly height: number;
      readonly drawing: VectorDrawing;
    };

/** An affine transform `[a, b, c, d, e, f]`, as in SVG and PDF. */
export type Matrix = readonly [number, number, number, number, number, number];

export interface VectorPaint {
  /** `#rrggbb` */
  readonly colour: string;
  /** 0 to 1 */
  readonly opacity: number;
}

/** One shape or label of an SVG, in the SVG's user units, with the transform of its groups. */
export type VectorItem =
  | {
      readonly kind: 'path';
      /** SVG path data; rects, circles, lines and polygons are written as paths. */
      readonly d: string;
      readonly matrix: Matrix;
      readonly fill: VectorPaint | null;
      readonly stroke: VectorPaint | null;
      readonly strokeWidth: number;
      readonly evenOdd: boolean;
      readonly dash: readonly number[] | null;
      readonly cap?: 'butt' | 'round' | 'square';
      readonly join?: 'miter' | 'round' | 'bevel';
    }
  | {
      readonly kind: 'text';
      readonly text: string;
      /** The anchor point on the baseline. */
      readonly x: number;
      readonly y: number;
      readonly matrix: Matrix;
      readonly size: number;
      readonly bold: boolean;
      readonly colour: string;
      readonly anchor?: 'start' | 'middle' | 'end';
      /** The SVG's `direction` (attribute or style, inherited); absent when the file gives none. */
      readonly direction?: 'ltr' | 'rtl';
    };

/** An SVG read into vectors (lambdas/render/images/svg.ts). */
export interface VectorDrawing {
  /** In CSS pixels. */
  readonly width: number;
  readonly height: number;
  /** `[minX, minY, width, height]` of the user space drawn into width × height. */
  readonly viewBox: readonly [number, number, number, number];
  readonly items: readonly VectorItem[];
}

/** By `src` as the document wrote it. */
export type ImageSet = ReadonlyMap<string, LoadedImage>;

/** A QR code's modules, row by row, 1 for dark. */
export interface QrMatrix {
  readonly size: number;
  readonly dark: Uint8Array;
}

/** What layout needs besides the markup, made by the stages only the documents that need it load. */
export interface LayoutResources {
  readonly images?: ImageSet;
  /** By the `<qr>` element's href. */
  readonly qrCodes?: ReadonlyMap<string, QrMatrix>;
}

/** Colours are `#rrggbb`. */
export interface Theme {
  readonly organisation: string;
  readonly paper: 'A4' | 'Letter';
  readonly colours: {
    /** Header band, headings, rules. */
    readonly primary: string;
    /** Kicker, bullets, quote bar, links. */
    readonly accent: string;
    readonly text: string;
    /** Dates, labels, footer. */
    readonly muted: string;
    /** Summary box and fact cards. */
    readonly highlight: string;
    /** Text on the header band. */
    readonly onPrimary: string;
  };
  readonly logo: LoadedImage | null;
  /** `band`: in the header band of every page; `title`: above the title on the first page. */
  readonly logoPlacement: 'band' | 'title';
  /** `PDF/A-2b`: every fact sheet is also a PDF/A-2b file (docs/brand.md). */
  readonly archive: 'none' | 'PDF/A-2b';
  /** The organisation's font files (TrueType), parsed, or null for Noto Sans (docs/brand.md). */
  readonly font: { readonly regular: BrandFace; readonly bold: BrandFace } | null;
}

// ---------------------------------------------------------------------------
// markup: the template's output, parsed from the XML dialect documented in docs/templates.md.

export interface TextRun {
  readonly kind: 'text';
  /** May contain `\n` for a forced line break (`<br/>`). */
  readonly text: string;
  readonly bold: boolean;
  readonly italic: boolean;
  readonly href: string | null;
  /** Set inside `<span lang>`: the run's own language, tagged as its own `/Lang`. */
  readonly lang?: string;
  /**
   * Set by the layout for a run that reads in one direction as one unit whatever the paragraph's
   * (the address beside a QR code): a UAX #9 isolate, as `<bdi dir>` in HTML.
   */
  readonly isolate?: 'ltr' | 'rtl';
}
/** Page furniture may also show the page number and page count. */
export type FurnitureRun = TextRun | { readonly kind: 'page-number' } | { readonly kind: 'page-count' };

export interface Furniture {
  readonly left: readonly FurnitureRun[];
  readonly center: readonly FurnitureRun[];
  readonly right: readonly FurnitureRun[];
}

export type ParagraphStyle = 'body' | 'kicker' | 'standfirst' | 'meta' | 'small';
export type BoxStyle = 'summary' | 'note';

export type MarkupBlock =
  | { readonly kind: 'heading'; readonly level: 1 | 2 | 3; readonly runs: readonly TextRun[] }
  | { readonly kind: 'paragraph'; readonly style: ParagraphStyle; readonly runs: readonly TextRun[] }
  | { readonly kind: 'list'; readonly items: readonly { readonly runs: readonly TextRun[]; readonly level: ListLevel }[] }
  | {
      readonly kind: 'quote';
      readonly paragraphs: readonly (readonly TextRun[])[];
      readonly cite: readonly TextRun[] | null;
    }
  | { readonly kind: 'box'; readonly style: BoxStyle; readonly blocks: readonly MarkupBlock[] }
  | {
      readonly kind: 'grid';
      readonly columns: number;
      readonly facts: readonly { readonly label: readonly TextRun[]; readonly value: readonly TextRun[] }[];
    }
  | {
      readonly kind: 'table';
      /** Relative column widths; their count is the column count. */
      readonly widths: readonly number[];
      readonly header: readonly (readonly TextRun[])[] | null;
      readonly rows: readonly (readonly (readonly TextRun[])[])[];
    }
  | {
      readonly kind: 'figure';
      /** As the document wrote it; the key into the images the image stage loaded. */
      readonly src: string;
      readonly alt: string;
      readonly caption: readonly TextRun[] | null;
      readonly credit: readonly TextRun[] | null;
    }
  | { readonly kind: 'chart'; readonly chart: DrawnChart }
  | { readonly kind: 'qr'; readonly href: string };

export interface MarkupMeta {
  /** Resolved language tag used for /Lang (after fallback). */
  readonly lang: string;
  readonly title: string;
  readonly author: string;
  readonly subject: string;
  readonly keywords: readonly string[];
  /** `brief`: cut what does not fit on this many pages. Null: no limit. */
  readonly maxPages: number | null;
}

export interface MarkupDocument {
  readonly meta: MarkupMeta;
  readonly header: Furniture | null;
  readonly footer: Furniture | null;
  readonly body: readonly MarkupBlock[];
}

/** template → markup: the filled template and what the template stage knows about it. */
export interface FilledTemplate {
  readonly file: string;
  readonly template: string;
  readonly markup: string;
  readonly warnings: readonly Problem[];
}

// ---------------------------------------------------------------------------

export interface RenderResult {
  readonly pdf: Buffer;
  readonly pages: number;
  readonly template: string;
  readonly lang: string;
  /** Published anyway; each with its field path and position where the stage that saw it knows them. */
  readonly warnings: readonly Problem[];
}
