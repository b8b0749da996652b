/* Keyboards: a chart's Plotly toolbar costs one Tab stop, not one per button (a page of six charts used to ask for
   forty-odd presses to get past them). The toolbar becomes a WAI-ARIA toolbar: Tab reaches its first button, the
   arrow keys, Home and End move along it. The map's canvas leaves the Tab order: it cannot be read by keyboard, and
   every chart has a table twin with its downloads right below it, which can. */
(function () {
  'use strict';
  const STEPS = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: 'first', End: 'last'};

  function buttonsOf(bar) {
    return Array.from(bar.querySelectorAll('.modebar-btn'));
  }

  /* Keep exactly one button of the toolbar in the Tab order (the one last moved to, else the first). */
  function rove(bar) {
    const buttons = buttonsOf(bar);
    if (!buttons.length) return;
    const kept = buttons.find(b => b.dataset.roving === 'current') || buttons[0];
    buttons.forEach(b => {
      b.tabIndex = b === kept ? 0 : -1;
      b.dataset.roving = b === kept ? 'current' : 'other';
    });
    if (!bar.dataset.roving) {
      bar.dataset.roving = 'on';
      bar.setAttribute('role', 'toolbar');
      bar.setAttribute('aria-label', document.documentElement.lang === 'en' ? 'Chart tools' : 'グラフの操作');
      bar.addEventListener('keydown', move);
    }
  }

  function move(event) {
    const step = STEPS[event.key];
    const buttons = buttonsOf(event.currentTarget);
    const i = buttons.indexOf(document.activeElement);
    if (step === undefined || i < 0) return;
    const n = buttons.length;
    const j = step === 'first' ? 0 : step === 'last' ? n - 1 : (i + step + n) % n;
    buttons.forEach((b, k) => { b.dataset.roving = k === j ? 'current' : 'other'; b.tabIndex = k === j ? 0 : -1; });
    buttons[j].focus();
    event.preventDefault();
  }

  function apply() {
    document.querySelectorAll('.js-plotly-plot .modebar').forEach(rove);
    document.querySelectorAll('.maplibregl-canvas, .mapboxgl-canvas').forEach(c => {
      if (c.tabIndex !== -1) c.tabIndex = -1;
    });
  }

  /* Plotly draws (and redraws) toolbars whenever a chart renders: look again, at most once a frame. */
  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(() => { pending = false; apply(); });
  }
  new MutationObserver(schedule).observe(document.documentElement, {childList: true, subtree: true});
  schedule();
})();
