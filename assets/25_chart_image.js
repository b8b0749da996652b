/* A chart as a picture for slides (the 「画像（PNG）」 button of every chart card, smartcity/components.py): a 1600 x 900
   PNG with the chart's title on top, the chart as drawn on screen (maps too) in the middle, and its source and the
   data's date underneath, in a file named for what it holds. The chart itself is not re-laid out (its legends, colour
   bars and notes stay where the page put them); the picture is composed on a canvas. Nothing leaves the machine. */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.smartcity = Object.assign(window.dash_clientside.smartcity || {}, (function () {
  const WIDTH = 1600, HEIGHT = 900, PAD = 48, GAP = 14;
  const TITLE = 30, SECOND = 19, SOURCE = 17, LINE = 1.4;

  /* The graph's Plotly element (dcc.Graph puts it inside the element with the graph's id). */
  function plotOf(graphId) {
    const holder = document.getElementById(graphId);
    if (!holder) return null;
    return holder.classList.contains('js-plotly-plot') ? holder : holder.querySelector('.js-plotly-plot');
  }

  /* Lines of `text` that fit `width` on the canvas; Latin text breaks at a space when it can, CJK anywhere. */
  function wrap(ctx, text, width) {
    const lines = [];
    let line = '';
    for (const ch of String(text || '')) {
      if (line && ctx.measureText(line + ch).width > width) {
        const space = line.lastIndexOf(' ');
        const cut = space > line.length * 0.6 ? space : line.length;
        lines.push(line.slice(0, cut));
        line = line.slice(cut).trimStart();
      }
      line += ch;
    }
    if (line) lines.push(line);
    return lines;
  }

  /* The texts of the picture: title in the page's language, the other language under it, source and date. */
  function texts(meta) {
    const en = meta.lang === 'en';
    return {
      first: en ? meta.title_en : meta.title_ja,
      second: en ? meta.title_ja : meta.title_en,
      bottom: [(en ? 'Source: ' : '出典：') + ((en ? meta.source_en : meta.source_ja) || ''), meta.as_of_text]
        .filter(Boolean)
    };
  }

  /* The chart's figure for Plotly.toImage: its data and layout as on screen, without the map-fitting hint
     (46_map_fit.js would refit the off-screen copy Plotly draws; the picture keeps the view as drawn). */
  function asDrawn(gd) {
    const layout = JSON.parse(JSON.stringify(gd.layout || {}));
    if (layout.meta && layout.meta.fit) delete layout.meta.fit;
    const data = (gd.data || []).map(function (trace) { return Object.assign({}, trace); });
    const context = gd._context || {};
    return {data: data, layout: layout, config: {locale: context.locale, locales: context.locales}};
  }

  function load(url) {
    return new Promise(function (resolve, reject) {
      const img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = reject;
      img.src = url;
    });
  }

  /* The PNG as a data URL: texts measured and wrapped on the canvas, the chart scaled into the room between. */
  async function slideImage(gd, meta) {
    const canvas = document.createElement('canvas');
    canvas.width = WIDTH;
    canvas.height = HEIGHT;
    const ctx = canvas.getContext('2d');
    const family = getComputedStyle(document.body).fontFamily;
    const t = texts(meta);
    const font = function (size, weight) { ctx.font = (weight || 'normal') + ' ' + size + 'px ' + family; };
    font(TITLE, 'bold');
    const titleLines = wrap(ctx, t.first, WIDTH - 2 * PAD);
    font(SECOND);
    const secondLines = wrap(ctx, t.second, WIDTH - 2 * PAD);
    font(SOURCE);
    const bottomLines = t.bottom.flatMap(function (s) { return wrap(ctx, s, WIDTH - 2 * PAD); });
    const top = PAD / 2 + (titleLines.length * TITLE + secondLines.length * SECOND) * LINE + GAP;
    const below = bottomLines.length * SOURCE * LINE + PAD / 2 + GAP;
    // The chart keeps its drawn height and is laid out wider when the slide's room is wider than the screen's card
    // (never narrower than drawn, at most twice as wide), then scaled to the room.
    const full = gd._fullLayout, roomW = WIDTH - 2 * PAD, roomH = HEIGHT - top - below;
    const width = Math.round(Math.min(Math.max(full.height * roomW / roomH, full.width), 2 * full.width));
    const scale = Math.min(roomW / width, roomH / full.height);
    const chart = await load(await window.Plotly.toImage(asDrawn(gd), {format: 'png', width: width,
                                                                       height: full.height, scale: scale}));
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#111111';
    let y = PAD / 2;
    font(TITLE, 'bold');
    titleLines.forEach(function (l) { ctx.fillText(l, PAD, y); y += TITLE * LINE; });
    ctx.fillStyle = '#333333';
    font(SECOND);
    secondLines.forEach(function (l) { ctx.fillText(l, PAD, y); y += SECOND * LINE; });
    const w = width * scale, h = full.height * scale;
    ctx.drawImage(chart, (WIDTH - w) / 2, top + (HEIGHT - top - below - h) / 2, w, h);
    y = HEIGHT - PAD / 2 - bottomLines.length * SOURCE * LINE;
    font(SOURCE);
    bottomLines.forEach(function (l) { ctx.fillText(l, PAD, y); y += SOURCE * LINE; });
    return canvas.toDataURL('image/png');
  }

  function save(url, filename) {
    const a = document.createElement('a');
    a.href = url;
    a.download = filename + '.png';
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  return {
    /* Clientside callback of the PNG button: download the chart with its title, source and date. */
    downloadChartImage: function (clicks, meta) {
      if (!clicks || !meta || !meta.graph || !window.Plotly) return;
      const gd = plotOf(meta.graph);
      if (!gd || !gd._fullLayout) return;
      slideImage(gd, meta).then(function (url) { save(url, meta.filename || 'chart'); }, function (error) {
        console.error('chart image failed: ' + meta.graph + ': ' + error);
      });
    },
    _slideImage: slideImage  // for the browser tests: the picture that would be saved
  };
})());
