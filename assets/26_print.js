/* Printing (assets/30_print.css): the page's title, the database's build date, the address and the print date in the
   page margins of every sheet; charts scaled to the paper's width; every row of each table twin in a print-only
   table (the on-screen grid pages 12 rows at a time). */
window.dash_clientside = window.dash_clientside || {};
window.dash_clientside.smartcity = Object.assign(window.dash_clientside.smartcity || {}, (function () {
  const MAX_ROWS = 300;  // a twin longer than this prints its first rows and says where the rest are
  const MAX_CHART_HEIGHT = 230 * 96 / 25.4;  // px: an A4 sheet's 269mm of content less a chart card's title and notes
  const BOXES = 'print-page-boxes';

  function quote(text) {
    return '"' + String(text || '').replace(/\s+/g, ' ').trim().replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
  }

  function text(id) {
    const el = document.getElementById(id);
    return el ? el.textContent : '';
  }

  /* The margin boxes can only hold fixed strings: write them for the page being printed. */
  function pageBoxes() {
    const en = document.documentElement.lang === 'en';
    const h1 = document.querySelector('#main h1');
    const heading = (h1 ? h1.textContent : document.title).replace(/\s+/g, ' ').trim();
    const brand = text('nav-brand');
    const title = heading.indexOf(brand) >= 0 ? heading : heading + ' ｜ ' + brand;
    const now = new Date();
    const day = now.getFullYear() + '-' + String(now.getMonth() + 1).padStart(2, '0') + '-' +
      String(now.getDate()).padStart(2, '0');
    const where = (en ? 'Printed ' : '印刷日 ') + day + '  ' + location.host + location.pathname + location.search;
    let style = document.getElementById(BOXES);
    if (!style) {
      style = document.createElement('style');
      style.id = BOXES;
      document.head.appendChild(style);
    }
    style.textContent = '@page { @top-left { content: ' + quote(title) + '; } @top-right { content: ' +
      quote(text('nav-build')) + '; } @bottom-left { content: ' + quote(where) + '; } }';
  }

  /* Plotly draws at the screen's width in pixels: shrink each chart to the width it has on paper. The zoom is on
     dcc.Graph's element, so the plot keeps its own size in its own pixels and Plotly sees no resize to redraw (a
     redraw under way when the sheet is printed would print an empty chart). */
  function fitCharts() {
    document.querySelectorAll('.js-plotly-plot').forEach(function (gd) {
      const box = gd.parentElement, full = gd._fullLayout;
      if (!box || !full || !full.width || !full.height || !box.clientWidth) return;
      // as wide as the paper allows, and never taller than a sheet leaves beside the chart's title and source: a
      // chart is never split across sheets
      // (a report's chart card may ask for less: data-print-mm on its figure block)
      const figure = gd.closest('[data-print-mm]');
      const tallest = figure ? Number(figure.dataset.printMm) * 96 / 25.4 : MAX_CHART_HEIGHT;
      const zoom = Math.min(1, box.clientWidth / full.width, tallest / full.height);
      if (zoom >= 1) return;
      box.style.zoom = String(zoom);
      box.dataset.printZoom = '1';
    });
  }

  function unfitCharts() {
    document.querySelectorAll('[data-print-zoom]').forEach(function (box) {
      box.style.zoom = '';
      delete box.dataset.printZoom;
    });
  }

  function beforePrint() {
    unfitCharts();  // a second beforeprint without afterprint measures afresh
    document.documentElement.classList.add('printing');  // the paper's layout (30_print.css), measured now
    fitCharts();
    pageBoxes();
  }

  function afterPrint() {
    document.documentElement.classList.remove('printing');
    unfitCharts();
  }

  window.addEventListener('beforeprint', beforePrint);
  window.addEventListener('afterprint', afterPrint);

  /* The d3-format of a column (smartcity/components.py column_def writes it into the valueFormatter). */
  function formatOf(col) {
    const fn = col.valueFormatter && col.valueFormatter.function;
    const match = fn && /d3\.format\('([^']*)'\)/.exec(fn);
    return match ? match[1] : null;
  }

  /* A number as the grid shows it: the d3-formats the twins use (",.1f", ".2~f", ",d", ".1%", ","). */
  function formatted(value, spec) {
    if (value === null || value === undefined) return '';
    const match = typeof value === 'number' && spec ? /^(,)?(?:\.(\d+))?(~)?([fd%])?$/.exec(spec) : null;
    if (!match) return String(value);
    const type = match[4], percent = type === '%';
    let digits = match[2] !== undefined ? Number(match[2]) : (type ? 6 : null);
    if (type === 'd') digits = 0;
    const options = {useGrouping: Boolean(match[1])};
    if (digits === null) {
      options.maximumFractionDigits = 20;
    } else {
      options.maximumFractionDigits = digits;
      options.minimumFractionDigits = match[3] ? 0 : digits;
    }
    return (percent ? value * 100 : value).toLocaleString('en-US', options).replace('-', '\u2212') +
      (percent ? '%' : '');
  }

  function el(type, props, children) {
    return {type: type, namespace: 'dash_html_components', props: Object.assign({children: children}, props)};
  }

  /* Width of a text in em: CJK characters are one em, Latin ones about half. */
  function ems(text) {
    let n = 0;
    for (const ch of String(text)) n += /[\u0000-\u02ff\u2000-\u206f]/.test(ch) ? 0.55 : 1;
    return n;
  }

  const HALF_PAGE_EM = 34;  // half the A4 width in the table's font (6.8pt), less the gap between the halves
  const NOWRAP_EM = 12;     // a column whose every cell is shorter stays on one line

  /* The columns to print in the table, and those with one value on every row (printed once, above the table). */
  function layoutOf(rows, cols, texts) {
    const constant = rows.length > 2 && rows.length <= MAX_ROWS ? cols.map(function (c, i) {
      return texts.every(function (r) { return r[i] === texts[0][i]; }) && texts[0][i] !== '';
    }) : cols.map(function () { return false; });
    const widths = cols.map(function (c, i) {
      return texts.reduce(function (m, r) { return Math.max(m, ems(r[i])); }, 0);
    });
    const kept = cols.map(function (c, i) { return i; }).filter(function (i) { return !constant[i]; });
    const natural = kept.reduce(function (sum, i) {
      return sum + Math.max(widths[i], ems(cols[i].headerName || cols[i].field) / 2) + 1;
    }, 0);
    const halves = rows.length > 24 && natural <= HALF_PAGE_EM;
    // A wide table whose first text column is a few runs of one value (a group: 32 procedures, then 26) prints
    // that value as a heading row above each run instead of on every row (a narrow one keeps the column: in two
    // halves a heading would not follow the rows into the second half).
    const firsts = texts.map(function (r) { return r[0]; });
    const runs = firsts.filter(function (v, i) { return i === 0 || v !== firsts[i - 1]; });
    const group = !halves && rows.length > 10 && !constant[0] && cols[0].type !== 'numericColumn' &&
      runs.length <= 12 && new Set(runs).size === runs.length && runs.length < rows.length / 3;
    return {constant: constant, shown: kept.filter(function (i) { return !(group && i === 0); }), group: group,
            nowrap: widths.map(function (w) { return w <= NOWRAP_EM; }), halves: halves};
  }

  /* A fiscal year (April to March) of an ISO date: '2023-03-31' is in 2022. */
  function fiscalYear(day) {
    const y = Number(String(day).slice(0, 4)), m = Number(String(day).slice(5, 7));
    return m >= 4 ? y : y - 1;
  }

  /* A long series prints as a summary: per group (e.g. area), the newest row of each fiscal year and the newest row
     of all, in the grid's order. `rule` is {date: field, group: field}. */
  function yearEnds(rows, rule) {
    const keep = {};
    rows.forEach(function (r, i) {
      const day = r[rule.date];
      if (day == null || day === '') return;
      const group = rule.group ? String(r[rule.group]) : '';
      const key = group + '|' + fiscalYear(day);
      if (!(key in keep) || String(day) > String(rows[keep[key]][rule.date])) keep[key] = i;
    });
    const chosen = new Set(Object.values(keep));
    return rows.filter(function (r, i) { return chosen.has(i); });
  }

  /* The rows a twin prints: all, each fiscal year's newest ({date, group}) or those with a value ({present}). */
  function printedRows(rows, rule) {
    if (!rule) return rows;
    if (rule.present) return rows.filter(function (r) { return r[rule.present] != null && r[rule.present] !== ''; });
    if (rule.near) {  // the first row and `rows` rows either side of the marked one (a ranking around "this one")
      const at = rows.findIndex(function (r) { return r[rule.near] != null && r[rule.near] !== ''; });
      return at < 0 ? rows : rows.filter(function (r, i) { return i === 0 || Math.abs(i - at) <= rule.rows; });
    }
    return yearEnds(rows, rule);
  }

  function summaryNote(rule, shown, all, en) {
    const n = all.toLocaleString('en-US');
    const what = rule.near
      ? (en ? 'the first row and the ' + rule.rows + ' rows either side of the marked one'
            : '先頭の行と、印の付いた行の前後 ' + rule.rows + ' 行')
      : rule.present
        ? (en ? 'the rows with a value' : '値のある行')
        : (en ? 'the latest value of each fiscal year (April to March)' : '各年度（4月〜翌3月）の最新値');
    return en
      ? 'Printed: ' + what + ', ' + shown + ' of ' + n + ' rows; every row is in the table on screen and the ' +
        'CSV / Excel download.'
      : '印刷しているのは' + what + 'です（全 ' + n + ' 行のうち ' + shown + ' 行）。全行は画面の表と CSV / Excel で確認できます。';
  }

  /* A year-end summary of one value for a few groups as one row per date, one column per group ({pivot: value
     field, label: the field naming the group}): three areas' rates side by side instead of three runs of rows. */
  function pivotTable(rows, cols, rule, en) {
    const byField = {};
    cols.forEach(function (c) { byField[c.field] = c; });
    const value = byField[rule.pivot], day = byField[rule.date];
    const spec = formatOf(value);
    const groups = [], labels = {}, cells = {};
    rows.forEach(function (r) {
      const g = String(r[rule.group]);
      if (!(g in labels)) { groups.push(g); labels[g] = String(r[rule.label] == null ? g : r[rule.label]); }
      cells[r[rule.date] + '|' + g] = formatted(r[rule.pivot], spec);
    });
    const days = Array.from(new Set(rows.map(function (r) { return String(r[rule.date]); }))).sort();
    const head = el('Thead', {}, el('Tr', {}, [el('Th', {scope: 'col'}, day.headerName || day.field)].concat(
      groups.map(function (g) { return el('Th', {scope: 'col', className: 'num'}, labels[g]); }))));
    const body = el('Tbody', {}, days.map(function (d) {
      return el('Tr', {}, [el('Td', {className: 'nw'}, d)].concat(groups.map(function (g) {
        return el('Td', {className: 'num'}, cells[d + '|' + g] || '');
      })));
    }));
    // the other text columns (the source, the indicator) say their distinct values once under the table
    const used = [rule.date, rule.group, rule.label, rule.pivot].concat(rule.omit || []);
    const notes = cols.filter(function (c) {
      return used.indexOf(c.field) < 0 && c.type !== 'numericColumn' && !c.hide;
    }).map(function (c) {
      const values = Array.from(new Set(rows.map(function (r) { return r[c.field]; }).filter(function (v) {
        return v != null && v !== '';
      }).map(String)));
      return values.length ? el('P', {className: 'twin-print-same'},
                                (c.headerName || c.field) + (en ? ': ' : '：') + values.join(en ? ' / ' : ' ／ '))
                           : null;
    }).filter(Boolean);
    return [el('P', {className: 'twin-print-same'}, value.headerName || value.field),
            el('Table', {className: 'twin-print-table twin-print-pivot'}, [head, body])].concat(notes);
  }

  return {
    /* Clientside callback: the print-only copy of a table twin, every row (up to MAX_ROWS), formatted as on screen.
       A column with the same value on every row is said once above the table; a narrow long table prints in two
       halves side by side; a twin whose meta has `print_rows` prints a part and says so: each fiscal year's newest
       row ({date, group}), the rows with a value ({present}) or the first row and the rows around a marked one
       ({near, rows}), without the columns in `omit`; a year-end summary with `pivot` prints one value per area in
       columns. */
    printTable: function (rowData, columnDefs, meta) {
      const all = rowData || [];
      const rule = meta && meta.print_rows;
      const rows = printedRows(all, rule);
      const omit = (rule && rule.omit) || [];  // columns that say nothing more on paper (e.g. a value in words)
      const cols = (columnDefs || []).filter(function (c) { return c && c.field && !c.hide && omit.indexOf(c.field) < 0; });
      if (!cols.length) return null;
      const en = meta && meta.lang === 'en';
      if (rule && rule.pivot) {
        const note = rows.length < all.length ? [el('P', {className: 'twin-print-cap'},
                                                      summaryNote(rule, rows.length, all.length, en))] : [];
        return note.concat(pivotTable(rows, (columnDefs || []).filter(function (c) { return c && c.field; }), rule,
                                      en));
      }
      const specs = cols.map(formatOf);
      const texts = rows.slice(0, MAX_ROWS).map(function (r) {
        return cols.map(function (c, i) { return formatted(r[c.field], specs[i]); });
      });
      const plan = layoutOf(rows, cols, texts);
      const cls = function (i) {
        const names = (cols[i].type === 'numericColumn' ? ['num'] : []).concat(plan.nowrap[i] ? ['nw'] : []);
        return names.length ? {className: names.join(' ')} : {};
      };
      const head = el('Thead', {}, el('Tr', {}, plan.shown.map(function (i) {
        return el('Th', Object.assign({scope: 'col'}, cls(i)), cols[i].headerName || cols[i].field);
      })));
      const lines = [];
      texts.forEach(function (t, n) {
        if (plan.group && (n === 0 || t[0] !== texts[n - 1][0])) {
          const heading = (cols[0].headerName || cols[0].field) + (en ? ': ' : '：') + t[0];
          lines.push(el('Tr', {className: 'group'},
                        el('Th', {colSpan: plan.shown.length, scope: 'rowgroup'}, heading)));
        }
        lines.push(el('Tr', {}, plan.shown.map(function (i) { return el('Td', cls(i), t[i]); })));
      });
      const body = el('Tbody', {}, lines);
      const out = [];
      const same = cols.map(function (c, i) { return i; }).filter(function (i) { return plan.constant[i]; });
      if (same.length) {
        out.push(el('P', {className: 'twin-print-same'}, (en ? 'On every row: ' : '全行共通：') + same.map(function (i) {
          return (cols[i].headerName || cols[i].field) + (en ? ': ' : '：') + texts[0][i];
        }).join(en ? '; ' : '、')));
      }
      const table = el('Table', {className: 'twin-print-table'}, [head, body]);
      out.push(plan.halves ? el('Div', {className: 'twin-print-halves'}, table) : table);
      if (rule && rows.length < all.length) {
        out.unshift(el('P', {className: 'twin-print-cap'}, summaryNote(rule, rows.length, all.length, en)));
      }
      if (rows.length > MAX_ROWS) {
        const n = rows.length.toLocaleString('en-US');
        out.push(el('P', {className: 'twin-print-cap'}, en
          ? 'The first ' + MAX_ROWS + ' of ' + n + ' rows; all ' + n + ' rows are in the CSV / Excel download.'
          : '先頭 ' + MAX_ROWS + ' 行を印刷しています。全 ' + n + ' 行は CSV / Excel でダウンロードできます。'));
      }
      return out;
    },
    _formatted: formatted  // for the browser tests
  };
})());
