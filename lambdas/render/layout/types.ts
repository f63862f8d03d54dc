/**
 * layout → draw: plain positioned data. Coordinates are PDF points from the top-left corner
 * of the page; text `y` is the baseline. Nothing here knows pdfkit.
 */
import type { Problem } from '../errors';
import type { FontVariant } from '../fonts';
import type { Matrix, VectorItem } from '../types';

export type StructType =
  | 'Document'
  | 'H1'
  | 'H2'
  | 'H3'
  | 'P'
  | 'L'
  | 'LI'
  | 'Lbl'
  | 'LBody'
  | 'BlockQuote'
  | 'Table'
  | 'THead'
  | 'TBody'
  | 'TR'
  | 'TH'
  | 'TD'
  | 'Div'
  | 'Link'
  | 'Span'
  | 'Figure'
  | 'Caption';

/** The logical structure (tagged PDF), in reading order; content refers to nodes by id. */
export interface StructNode {
  readonly id: number;
  readonly type: StructType;
  /** The text alternative (`/Alt`) of a Figure. */
  readonly alt?: string;
  /** `/Lang` of an element in another language than the document's (a `<span lang>`). */
  readonly lang?: string;
  readonly children: readonly StructNode[];
}

export interface PositionedRun {
  readonly text: string;
  readonly variant: FontVariant;
  /** Set when a script font draws the run (Arabic, Hebrew): the name it is registered under. */
  readonly face?: string;
  readonly size: number;
  readonly color: string;
  readonly x: number;
  readonly width: number;
  readonly href: string | null;
  /** Structure element the run belongs to; null marks page furniture (an artifact). */
  readonly struct: number | null;
  /**
   * What text extraction gives back for the run, in logical order, where its glyphs' own text
   * would come back wrong (a Devanagari vowel sign drawn before its consonant, a left-to-right
   * stretch of a right-to-left line: layout/extraction.ts); drawn as the run's ActualText.
   */
  readonly actualText?: string;
  /**
   * A right-to-left line's run, as extraction must read it on a page poppler reads left to right
   * (a Persian sheet with English labels and a short text): its ActualText there, none when
   * `actualText` is undefined. The page decides which one is drawn (layout/index.ts, readPage).
   */
  readonly leftToRightPage?: { readonly actualText?: string };
}

/** Part of a drawing, coordinates relative to its graphic's top-left corner. */
export type GraphicShape =
  | { readonly kind: 'bar'; readonly x: number; readonly y: number; readonly width: number; readonly height: number; readonly fill: string }
  | { readonly kind: 'line'; readonly points: readonly (readonly [number, number])[]; readonly color: string; readonly thickness: number }
  /** A label, legend name or axis number, set like any text (script fonts, shaping, bidi); runs' x from the graphic's left. */
  | { readonly kind: 'text'; readonly baseline: number; readonly runs: readonly PositionedRun[] };

export type LayoutNode =
  | {
      readonly kind: 'text';
      readonly baseline: number;
      readonly runs: readonly PositionedRun[];
      /**
       * A line of an address that reads left to right as one unit (beside a QR code) with
       * right-to-left parts: its text, given to extraction once the page it is on is known.
       */
      readonly address?: string;
    }
  | {
      readonly kind: 'rect';
      readonly x: number;
      readonly y: number;
      readonly width: number;
      readonly height: number;
      readonly fill: string;
    }
  | {
      readonly kind: 'rule';
      readonly x1: number;
      readonly y1: number;
      readonly x2: number;
      readonly y2: number;
      readonly color: string;
      readonly thickness: number;
    }
  | {
      readonly kind: 'image';
      readonly x: number;
      readonly y: number;
      readonly width: number;
      readonly height: number;
      readonly data: Uint8Array;
      /** The Figure element the picture is the content of; null for the theme's logo (an artifact). */
      readonly struct: number | null;
    }
  /** An SVG drawn into the box, all of it the content of one Figure element (null: the theme's logo, an artifact). */
  | {
      readonly kind: 'vector';
      readonly x: number;
      readonly y: number;
      readonly width: number;
      readonly height: number;
      readonly drawing: PlacedDrawing;
      readonly struct: number | null;
    }
  /** A vector drawing (a chart), all of it the content of one Figure element. */
  | { readonly kind: 'graphic'; readonly x: number; readonly y: number; readonly struct: number; readonly shapes: readonly GraphicShape[] };

/** An SVG's shapes, and its labels set in the embedded fonts; coordinates in the SVG's user units. */
export interface PlacedDrawing {
  readonly viewBox: readonly [number, number, number, number];
  readonly shapes: readonly VectorShape[];
}

export type VectorShape =
  | Extract<VectorItem, { readonly kind: 'path' }>
  | { readonly kind: 'label'; readonly matrix: Matrix; readonly baseline: number; readonly runs: readonly PositionedRun[] };

export interface LayoutPage {
  readonly nodes: readonly LayoutNode[];
}

export interface LayoutDocument {
  readonly width: number;
  readonly height: number;
  readonly meta: {
    readonly lang: string;
    readonly title: string;
    readonly author: string;
    readonly subject: string;
    readonly keywords: readonly string[];
  };
  readonly structure: StructNode;
  readonly pages: readonly LayoutPage[];
  readonly warnings: readonly Problem[];
}
