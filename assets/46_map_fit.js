/* Maps on narrow screens: the server fits a map's view to the polygons for the card a laptop gives it
   (smartcity/figures/maps.py writes in layout.meta.fit the zoom, the padding and the polygons' extent in pixels at
   that zoom). The server cannot know the screen, so when the map is drawn too small for that extent (a phone), the
   browser zooms it out until the extent fits again: the whole area stays in view. It never zooms in past the
   server's view, and a view the reader zoomed is left alone. */
(function () {
  'use strict';

  function wanted(gd) {
    const fit = gd.layout && gd.layout.meta && gd.layout.meta.fit;
    const full = gd._fullLayout;
    if (!fit || !full || !full.map || !full._size) return null;
    const [top, right, bottom, left] = fit.pad;
    const dom = full.map.domain;
    const width = full._size.w * (dom.x[1] - dom.x[0]), height = full._size.h * (dom.y[1] - dom.y[0]);
    const ratio = Math.min((width - left - right) / fit.extent[0], (height - top - bottom) / fit.extent[1], 1);
    if (!(ratio > 0)) return null;
    return {fitted: fit.zoom, zoom: Math.floor((fit.zoom + Math.log2(ratio)) * 100) / 100};
  }

  /* Zoom through MapLibre itself, once its style is loaded (a Plotly relayout while Plotly is still replacing the
     map's traces fails); Plotly reads the new zoom back into the figure when the move ends. */
  function refit(gd) {
    const view = wanted(gd);
    const map = view && gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
    if (!map) return;
    if (!map.isStyleLoaded()) {
      map.once('idle', () => refit(gd));
      return;
    }
    const current = map.getZoom();
    const ours = [view.fitted, gd._smartcityZoom].some(z => z !== undefined && Math.abs(current - z) < 0.02);
    if (!ours || Math.abs(current - view.zoom) < 0.02) return;
    gd._smartcityZoom = view.zoom;
    map.jumpTo({zoom: view.zoom});
  }

  function watch() {
    document.querySelectorAll('.js-plotly-plot').forEach(gd => {
      if (gd._smartcityFit || typeof gd.on !== 'function') return;
      gd._smartcityFit = true;
      gd.on('plotly_afterplot', () => refit(gd));
      refit(gd);
    });
  }

  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(() => { pending = false; watch(); });
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
