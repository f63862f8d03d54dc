/** Builds the logical structure tree while blocks are measured, in reading order. */
import type { StructNode, StructType } from './types';

interface Draft {
  readonly id: number;
  readonly type: StructType;
  readonly alt?: string;
  readonly lang?: string;
  readonly children: Draft[];
}

export class StructBuilder {
  private readonly drafts = new Map<number, Draft>();
  readonly root: number;

  constructor() {
    this.root = this.create('Document').id;
  }

  /** Adds an element under `parent` and returns its id; `lang` when its language is not the document's. */
  add(parent: number, type: StructType, alt?: string, lang?: string): number {
    const draft = this.create(type, alt, lang);
    const parentDraft = this.drafts.get(parent);
    if (!parentDraft) throw new Error(`no structure element ${parent}`);
    parentDraft.children.push(draft);
    return draft.id;
  }

  build(): StructNode {
    const freeze = (draft: Draft): StructNode => {
      const children = draft.children.map(freeze);
      // Almost every element has neither: a plain literal, without the spreads' copies, for them.
      if (draft.alt === undefined && draft.lang === undefined) return { id: draft.id, type: draft.type, children };
      return { id: draft.id, type: draft.type, ...(draft.alt === undefined ? {} : { alt: draft.alt }), ...(draft.lang === undefined ? {} : { lang: draft.lang }), children };
    };
    return freeze(this.drafts.get(this.root) as Draft);
  }

  private create(type: StructType, alt?: string, lang?: string): Draft {
    const id = this.drafts.size + 1;
    const draft: Draft = alt === undefined && lang === undefined ? { id, type, children: [] } : { id, type, ...(alt === undefined ? {} : { alt }), ...(lang === undefined ? {} : { lang }), children: [] };
    this.drafts.set(draft.id, draft);
    return draft;
  }
}
