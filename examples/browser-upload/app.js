// Browser side of the azure_blob upload example.
//
//   1. POST /api/upload-url {fileName, contentType}  -> {sasUrl, blobName}
//   2. PUT the file to sasUrl, straight to the storage service
//      (headers x-ms-blob-type: BlockBlob and Content-Type; 201 = created)
//   3. POST /api/files {blobName}                     -> the azure_files row
//   4. GET /api/files                                 -> [{blobName, url, ...}]
//      and a preview of each file, fetched with its read URL.
//
// Step 2 and the previews are cross-origin requests to the storage account: they
// work only if its CORS rules allow this page's origin (azure_set_cors).
// All text from the server is inserted with textContent, never as HTML.
'use strict';

const $ = (id) => document.getElementById(id);
const MAX_TEXT_PREVIEW = 4000;

function setStatus(state, text) {
  const el = $('status');
  el.dataset.state = state;
  el.textContent = text;
}

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    // not JSON: reported below by status
  }
  if (!res.ok) {
    const why = data && data.error ? data.error : `HTTP ${res.status}`;
    const err = new Error(`${method} ${path}: ${why}`);
    err.status = res.status;
    throw err;
  }
  return data;
}

// PUT the bytes with the upload URL. Resolves to nothing on 201; throws with a
// readable reason otherwise.
async function putBlob(sasUrl, file, contentType) {
  let res;
  try {
    res = await fetch(sasUrl, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob', 'Content-Type': contentType },
      body: file,
    });
  } catch (e) {
    // fetch gives no detail on purpose; the usual cause is a refused CORS
    // preflight (the browser console says "blocked by CORS policy").
    const err = new Error('the browser blocked the upload (CORS: is this page\'s origin allowed ' +
      'by azure_set_cors?) or the storage service is unreachable');
    err.cors = true;
    throw err;
  }
  if (res.status !== 201) {
    const text = await res.text().catch(() => '');
    const code = (/<Code>([^<]*)<\/Code>/.exec(text) || [])[1] || '';
    throw new Error(`storage service answered ${res.status} ${code}`.trim());
  }
}

async function upload(event) {
  event.preventDefault();
  const file = $('file').files[0];
  if (!file) {
    setStatus('error', 'Choose a file first.');
    return;
  }
  const contentType = file.type || 'application/octet-stream';
  $('upload').disabled = true;
  try {
    setStatus('busy', `Asking for an upload URL for ${file.name}…`);
    const { sasUrl, blobName } = await api('POST', '/api/upload-url', {
      fileName: file.name,
      contentType,
    });
    setStatus('busy', `Uploading ${file.size} bytes to the storage service…`);
    await putBlob(sasUrl, file, contentType);
    setStatus('busy', 'Registering the file…');
    await api('POST', '/api/files', { blobName });
    setStatus('ok', `Uploaded ${file.name} (${file.size} bytes) as ${blobName}.`);
    $('status').dataset.blobName = blobName;
    $('upload-form').reset();
  } catch (e) {
    setStatus('error', `Upload failed: ${e.message}`);
    $('status').dataset.cors = e.cors ? 'blocked' : '';
  } finally {
    $('upload').disabled = false;
  }
  await refresh();
}

function formatSize(n) {
  if (n === null || n === undefined) return 'size not recorded';
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

// Fetch the file with its read URL and show it: images as <img>, text as
// <pre>, anything else as its size. li.dataset.preview says how it went.
async function preview(li, file) {
  const box = li.querySelector('.preview');
  try {
    const res = await fetch(file.url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const blob = await res.blob();
    const type = (res.headers.get('Content-Type') || file.contentType || '').toLowerCase();
    if (type.startsWith('image/')) {
      const img = document.createElement('img');
      img.alt = file.blobName;
      await new Promise((resolve, reject) => {
        img.onload = resolve;
        img.onerror = () => reject(new Error('not a displayable image'));
        img.src = URL.createObjectURL(blob);
      });
      box.append(img);
    } else if (type.startsWith('text/') || type === 'application/json') {
      const pre = document.createElement('pre');
      const text = await blob.text();
      pre.textContent = text.length > MAX_TEXT_PREVIEW ? `${text.slice(0, MAX_TEXT_PREVIEW)}…` : text;
      box.append(pre);
    } else {
      box.textContent = `${blob.size} bytes (${type || 'unknown type'}), no preview`;
    }
    li.dataset.preview = 'ok';
    li.dataset.previewBytes = String(blob.size);
  } catch (e) {
    box.classList.add('error');
    box.textContent = e instanceof TypeError
      ? 'Preview blocked (CORS: GET not allowed for this origin?)'
      : `Preview failed: ${e.message}`;
    li.dataset.preview = 'error';
  }
}

async function refresh() {
  let data;
  try {
    data = await api('GET', '/api/files');
  } catch (e) {
    setStatus('error', `Could not list files: ${e.message}`);
    return;
  }
  $('user').textContent = data.user;
  const list = $('files');
  list.replaceChildren();
  $('empty').hidden = data.files.length > 0;
  const previews = [];
  for (const f of data.files) {
    const li = document.createElement('li');
    li.dataset.blobName = f.blobName;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = f.blobName;
    const link = document.createElement('a');
    link.href = f.url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.textContent = 'open';
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = `${f.contentType || 'type not recorded'} · ${formatSize(f.sizeBytes)}`;
    const box = document.createElement('div');
    box.className = 'preview';
    li.append(name, link, meta, box);
    list.append(li);
    previews.push(preview(li, f));
  }
  await Promise.all(previews);
  list.dataset.loaded = String(Date.now());
}

document.addEventListener('DOMContentLoaded', () => {
  $('upload-form').addEventListener('submit', upload);
  refresh();
});
