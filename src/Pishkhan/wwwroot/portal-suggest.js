// Suggested help articles for the portal's new-request form (پیشنهاد مقاله هنگام نوشتن درخواست).
// Markup: <input data-suggest-form-id="{a GUID per form visit}"> and, in the same <form>, an element [data-suggestions].
// As the customer types (debounced), up to five public articles are listed there as links that open in a new tab
// (so the form is kept); opening one is reported for the deflection report. Attaches on page load and after each
// Blazor enhanced navigation (which does not run <script> tags inside new page content).
(() => {
  'use strict';
  const DEBOUNCE_MS = 300;
  const MIN_LENGTH = 3;

  function report(formId, articleId) {
    const body = new URLSearchParams({ formId, articleId });
    if (navigator.sendBeacon && navigator.sendBeacon('/portal/api/kb/deflection/opened', body)) return;
    fetch('/portal/api/kb/deflection/opened', { method: 'POST', body, keepalive: true, credentials: 'same-origin' }).catch(() => {});
  }

  function render(list, formId, items) {
    list.replaceChildren();
    for (const item of items) {
      const link = document.createElement('a');
      link.href = item.url;
      link.target = '_blank';
      link.rel = 'noopener';
      link.dir = 'auto';
      link.textContent = item.title;
      link.dataset.testid = 'kb-suggestion';
      link.dataset.articleId = item.id;
      const opened = () => report(formId, item.id);
      link.addEventListener('click', opened);
      link.addEventListener('auxclick', (e) => { if (e.button === 1) opened(); });
      const entry = document.createElement('div');
      entry.className = 'kb-suggestion';
      entry.appendChild(link);
      if (item.snippet) {
        const snippet = document.createElement('p');
        snippet.className = 'hint';
        snippet.dir = 'auto';
        snippet.textContent = item.snippet;
        entry.appendChild(snippet);
      }
      list.appendChild(entry);
    }
    list.hidden = items.length === 0;
  }

  // Enhanced navigation may keep an element while rewriting its attributes, so attachment is remembered here.
  const attached = new WeakSet();

  function attachInput(input) {
    if (attached.has(input) || !input.dataset.suggestFormId) return;
    attached.add(input);
    // Looked up each time: enhanced navigation may replace the list while keeping the input.
    const listOf = () => (input.closest('form') || document).querySelector('[data-suggestions]');
    const initial = listOf();
    if (initial) initial.hidden = true;
    let timer = 0;
    let controller = null;
    let last = '';
    input.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const list = listOf();
        const formId = input.dataset.suggestFormId;
        const q = input.value.trim().slice(0, 300); // the endpoint takes at most 300 characters
        if (!list || !formId || q === last) return;
        last = q;
        if (controller) controller.abort();
        if (q.length < MIN_LENGTH) { render(list, formId, []); return; }
        controller = new AbortController();
        try {
          const url = '/portal/api/kb/suggest?q=' + encodeURIComponent(q) + '&formId=' + encodeURIComponent(formId);
          const response = await fetch(url, { signal: controller.signal, headers: { Accept: 'application/json' }, credentials: 'same-origin' });
          if (!response.ok) return; // rate-limited or invalid: keep what is shown
          render(list, formId, await response.json());
        } catch (e) {
          if (e.name !== 'AbortError') render(list, formId, []);
        }
      }, DEBOUNCE_MS);
    });
  }

  function attachAll() {
    document.querySelectorAll('[data-suggest-form-id]').forEach(attachInput);
  }

  // For markup added by other script: window.pishkhanSuggest.attach() attaches to any new inputs (each only once).
  window.pishkhanSuggest = { attach: attachAll };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', attachAll);
  } else {
    attachAll();
  }

  function hookBlazor() {
    if (window.Blazor && typeof window.Blazor.addEventListener === 'function') {
      window.Blazor.addEventListener('enhancedload', attachAll);
      return true;
    }
    return false;
  }

  if (!hookBlazor()) {
    document.addEventListener('DOMContentLoaded', () => { if (!hookBlazor()) setTimeout(hookBlazor, 500); });
  }
})();
