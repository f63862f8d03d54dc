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
  const status = await (await fetch('/api/status' + query)).json();
  const problems = document.getElementById('problems');
  const warnings = document.getElementById('warnings');
  const pages = document.getElementById('pages');
  if (status.error !== undefined) {
    problems.replaceChildren(element('pre', status.error));
    return;
  }
  if (status.kind !== 'rendered') {
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
  const bytes = new Uint8Array(await (await fetch('/api/pdf' + query)).arrayBuffer());
  const pdf = await pdfjs.getDocument({ data: bytes }).promise;
  const boxes = [];
  for (let number = 1; number <= pdf.numPages; number++) {
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
    await page.render({ canvas, viewport, transform }).promise;
    const text = document.createElement('div');
    text.className = 'textLayer';
    await new pdfjs.TextLayer({ textContentSource: await page.getTextContent(), container: text, viewport }).render();
    box.append(canvas, text);
    boxes.push(box);
  }
  if (version !== latest) return;
  summary.textContent = selected + ': ' + status.template + ', ' + status.pages + ' page(s), rendered in ' + Math.round(status.ms) + ' ms'
    + (status.warnings.length ? ', ' + status.warnings.length + ' warning(s):' : ', no warnings');
  problems.replaceChildren();
  warnings.replaceChildren(...status.warnings.map((warning) => element('li', warning)));
  pages.replaceChildren(...boxes);
  document.body.dataset.version = String(version);
}

async function refresh(version) {
  latest = Math.max(latest, version);
  await listDocuments();
  await showDocument(version);
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
