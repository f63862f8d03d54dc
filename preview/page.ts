/**
 * The preview's one page. Everything it shows comes from the server's JSON and is put in with
 * textContent, so no document or message can inject markup. pdf.js draws each page on a canvas
 * with its text layer above, so the text can be selected and searched as in a PDF viewer.
 */
export const PREVIEW_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Fact sheet preview</title>
<link rel="stylesheet" href="/pdfjs/pdf_viewer.css">
<style>
  body { margin: 0; font: 15px/1.4 system-ui, sans-serif; display: grid; grid-template-columns: 18rem 1fr; height: 100vh; }
  nav { border-right: 1px solid #ccc; overflow: auto; padding: 0.5rem 1rem; background: #f6f6f6; }
  nav h1 { font-size: 1rem; }
  nav .folder { font-size: 0.8rem; color: #555; word-break: break-all; }
  nav ul { list-style: none; padding: 0; }
  nav a { display: block; padding: 0.2rem 0.3rem; color: inherit; text-decoration: none; word-break: break-all; }
  nav a[aria-current="page"] { background: #dde7f7; font-weight: 600; }
  main { overflow: auto; padding: 1rem; background: #e8e8e8; }
  #summary { margin: 0 0 0.5rem; }
  #problems pre { white-space: pre-wrap; background: #fff0f0; border: 1px solid #d33; padding: 0.75rem; margin: 0 0 1rem; }
  #warnings li { background: #fff8e0; border-left: 4px solid #d90; padding: 0.3rem 0.5rem; margin: 0.2rem 0; white-space: pre-wrap; }
  #pages .page-box { position: relative; margin: 0 auto 1rem; box-shadow: 0 1px 4px #0004; background: #fff; }
  #pages canvas { display: block; }
</style>
</head>
<body>
<nav>
  <h1>Documents</h1>
  <p class="folder" id="folder"></p>
  <ul id="documents"></ul>
</nav>
<main>
  <p id="summary" aria-live="polite">Loading…</p>
  <div id="problems"></div>
  <ul id="warnings"></ul>
  <div id="pages"></div>
</main>
<script type="module">
import * as pdfjs from '/pdfjs/pdf.mjs';
pdfjs.GlobalWorkerOptions.workerSrc = '/pdfjs/pdf.worker.mjs';

const selectedFromUrl = new URLSearchParams(location.search).get('doc');
let selected = selectedFromUrl;
let shown = 0;
let latest = 0;
// One pdf.js worker for the page's life: a new one for each reload took 300–500 ms to start.
const worker = new pdfjs.PDFWorker();
/** The pdf.js document on screen, destroyed when the next one replaces it. */
let onScreen = null;

async function listDocuments() {
  const { folder, documents } = await (await fetch('/api/documents')).json();
  document.getElementById('folder').textContent = folder;
  if (selected === null || !documents.includes(selected)) selected = documents[0] ?? null;
  const list = document.getElementById('documents');
  list.replaceChildren(...documents.map((name) => {
    const link = document.createElement('a');
    link.href = '?doc=' + encodeURIComponent(name);
    link.textContent = name;
    if (name === selected) link.setAttribute('aria-current', 'page');
    link.addEventListener('click', (event) => {
      event.preventDefault();
      selected = name;
      history.replaceState(null, '', link.href);
      refresh(latest);
    });
    const item = document.createElement('li');
    item.append(link);
    return item;
  }));
}

function element(tag, text) {
  const made = document.createElement(tag);
  made.textContent = text;
  return made;
}

async function showDocument(version) {
  const summary = document.getElementById('summary');
  if (selected === null) {
    summary.textContent = 'No event documents in this folder (.yaml, .json, .md or .txt).';
    return;
  }
  const query = '?doc=' + encodeURIComponent(selected) + '&v=' + version;
  // Both at once: the server renders once for the two.
  const [status, bytes] = await Promise.all([
    fetch('/api/status' + query).then((response) => response.json()),
    fetch('/api/pdf' + query).then((response) => (response.ok ? response.arrayBuffer() : null)),
  ]);
  const problems = document.getElementById('problems');
  const warnings = document.getElementById('warnings');
  const pages = document.getElementById('pages');
  if (status.error !== undefined) {
    problems.replaceChildren(element('pre', status.error));
    return;
  }
  if (status.kind !== 'rendered' || bytes === null) {
    summary.textContent = status.kind === 'broken'
      ? selected + ': not rendered, a template, the theme or a font is broken:'
      : selected + ': not rendered, the document must be fixed:';
    const message = element('pre', status.message);
    message.setAttribute('role', 'alert');
    problems.replaceChildren(message);
    warnings.replaceChildren();
    pages.replaceChildren();
    document.body.dataset.version = String(version);
    return;
  }
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(bytes), worker }).promise;
  const boxes = await Promise.all(Array.from({ length: pdf.numPages }, (_, index) => drawPage(pdf, index + 1)));
  if (version !== latest) {
    void pdf.destroy();
    return;
  }
  summary.textContent = selected + ': ' + status.template + ', ' + status.pages + ' page(s), rendered in ' + Math.round(status.ms) + ' ms'
    + (status.warnings.length ? ', ' + status.warnings.length + ' warning(s):' : ', no warnings');
  problems.replaceChildren();
  warnings.replaceChildren(...status.warnings.map((warning) => element('li', warning)));
  pages.replaceChildren(...boxes);
  document.body.dataset.version = String(version);
  void onScreen?.destroy();
  onScreen = pdf;
}

/** One page: its canvas and, above it, its text layer (drawn at the same time), so the text can be selected. */
async function drawPage(pdf, number) {
  const page = await pdf.getPage(number);
  const viewport = page.getViewport({ scale: 1.25 });
  const box = document.createElement('div');
  box.className = 'page-box';
  box.style.width = viewport.width + 'px';
  box.style.height = viewport.height + 'px';
  box.style.setProperty('--scale-factor', String(viewport.scale));
  box.style.setProperty('--total-scale-factor', String(viewport.scale));
  const canvas = document.createElement('canvas');
  canvas.width = Math.floor(viewport.width * devicePixelRatio);
  canvas.height = Math.floor(viewport.height * devicePixelRatio);
  canvas.style.width = viewport.width + 'px';
  canvas.style.height = viewport.height + 'px';
  const transform = devicePixelRatio === 1 ? null : [devicePixelRatio, 0, 0, devicePixelRatio, 0, 0];
  const text = document.createElement('div');
  text.className = 'textLayer';
  await Promise.all([
    page.render({ canvas, viewport, transform }).promise,
    page.getTextContent().then((content) => new pdfjs.TextLayer({ textContentSource: content, container: text, viewport }).render()),
  ]);
  box.append(canvas, text);
  return box;
}

async function refresh(version) {
  latest = Math.max(latest, version);
  const before = selected;
  // The list and the fact sheet at once; a selection the list no longer holds is shown again.
  await Promise.all([listDocuments(), before === null ? undefined : showDocument(version)]);
  if (selected !== before) await showDocument(version);
  shown = version;
}

new EventSource('/api/events').onmessage = (event) => {
  const { version } = JSON.parse(event.data);
  if (version > shown) refresh(version).catch((error) => { document.getElementById('summary').textContent = String(error); });
};
</script>
</body>
</html>
`;
