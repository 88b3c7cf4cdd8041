() => {
  // The page's behaviour, run once when it loads (Gradio's `js`).
  // Clicks on any [data-variant] element (tables, transcript) and on plotly marks with a variant id in
  // customdata are forwarded to the player through window.speechxaiSelect (defined by the caption below).
  // Keyboard: table cells and words have tabindex; every clickable plotly mark (a word span, a heatmap
  // level) gets a transparent button over it, so Tab reaches it and Enter plays it. A dense waveform
  // (layout.meta.word_pitch, seconds per word) opens on as many words as fit WORD_PX pixels each.
  const WORD_PX = 56;
  const pick = (id) => { if (window.speechxaiSelect && id) window.speechxaiSelect(id); };
  document.addEventListener('click', (event) => {
    const element = event.target.closest && event.target.closest('[data-variant]');
    if (element) pick(element.dataset.variant);
  });
  document.addEventListener('keydown', (event) => {
    const element = event.target;
    if ((event.key === 'Enter' || event.key === ' ') && element.dataset && element.dataset.variant
        && element.tagName !== 'BUTTON') {
      event.preventDefault();
      pick(element.dataset.variant);
    }
  });
  const plain = (text) => String(text || '').replace(/<br>/g, ', ').replace(/<[^>]*>/g, '');
  const keys = (plot) => {
    const layout = plot._fullLayout;
    if (!layout || !plot._fullData) return;
    let box = plot.querySelector(':scope > .sx-keys');
    if (!box) {
      box = document.createElement('div');
      box.className = 'sx-keys';
      Object.assign(box.style, {position: 'absolute', left: 0, top: 0, width: 0, height: 0, pointerEvents: 'none'});
      if (getComputedStyle(plot).position === 'static') plot.style.position = 'relative';
      plot.appendChild(box);
    }
    const focused = document.activeElement && box.contains(document.activeElement) ?
      document.activeElement.dataset.key : null;
    box.replaceChildren();
    const add = (key, id, label, x0, x1, y0, y1) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sx-key';
      button.dataset.variant = id;
      button.dataset.key = key;
      button.setAttribute('aria-label', 'play ' + label);
      Object.assign(button.style, {position: 'absolute', padding: 0, border: 0, background: 'transparent',
        pointerEvents: 'none', left: Math.min(x0, x1) + 'px', top: Math.min(y0, y1) + 'px',
        width: Math.abs(x1 - x0) + 'px', height: Math.abs(y1 - y0) + 'px'});
      box.appendChild(button);
      if (key === focused) button.focus({preventScroll: true});
    };
    plot._fullData.forEach((trace, t) => {
      if (trace.name === 'labels' || !trace.customdata || !trace.visible) return;
      const xa = layout[trace.xaxis.replace('x', 'xaxis')], ya = layout[trace.yaxis.replace('y', 'yaxis')];
      if (!xa || !ya) return;
      const px = (v) => xa._offset + xa.l2p(v), py = (v) => ya._offset + ya.l2p(v);
      const [lo, hi] = [Math.min(...xa.range), Math.max(...xa.range)];
      if (trace.type === 'heatmap') {
        trace.customdata.forEach((row, j) => row.forEach((id, i) => {
          if (typeof id === 'string') add(t + ':' + j + ':' + i, id, plain(trace.hovertext && trace.hovertext[j][i]),
                                          px(i - 0.5), px(i + 0.5), py(j - 0.5), py(j + 0.5));
        }));
      } else if (trace.type === 'bar') {
        trace.customdata.forEach((id, i) => {
          const half = (Array.isArray(trace.width) ? trace.width[i] : trace.width || 0) / 2;
          const x = trace.x[i];
          if (typeof id !== 'string' || x + half < lo || x - half > hi) return;
          const base = Array.isArray(trace.base) ? trace.base[i] : trace.base || 0;
          add(t + ':' + i, id, plain(trace.hovertext && trace.hovertext[i]),
              px(Math.max(lo, x - half)), px(Math.min(hi, x + half)), py(base), py(base + trace.y[i]));
        });
      }
    });
  };
  const window_words = (plot) => {
    const meta = plot.layout && plot.layout.meta;
    if (!meta || !meta.word_pitch || meta.windowed || !window.Plotly) return false;
    meta.windowed = true;
    const xa = plot._fullLayout.xaxis;
    const span = Math.max(1, Math.floor(xa._length / WORD_PX)) * meta.word_pitch;
    const start = meta.start || 0;
    window.Plotly.relayout(plot, {'xaxis.range': [start, Math.min(start + span, meta.end)]});
    return true;
  };
  const hook = (plot) => {
    if (plot.__speechxai || !plot.on) return;
    plot.__speechxai = true;
    plot.on('plotly_click', (data) => {
      const point = data && data.points && data.points[0];
      if (point && typeof point.customdata === 'string') pick(point.customdata);
    });
    plot.on('plotly_afterplot', () => { if (!window_words(plot)) keys(plot); });
    if (!window_words(plot)) keys(plot);
  };
  const scan = () => document.querySelectorAll('.js-plotly-plot').forEach(hook);
  // after Explain, the page moves to the results once the run is done, or to the error (once per click)
  let toResults = false;
  document.addEventListener('click', (event) => {
    if (!event.target.closest || !event.target.closest('#explain')) return;
    toResults = true;
  }, true);
  const follow = () => {
    if (!toResults) return;
    const error = document.querySelector('#status .sx-error'), status = document.querySelector('#status');
    const results = document.querySelector('#results');
    if (error) {
      toResults = false;
      error.scrollIntoView({block: 'center'});
    } else if (results && results.offsetParent !== null && status && status.innerText.includes('Done in')) {
      toResults = false;
      results.scrollIntoView({block: 'start', behavior: 'smooth'});
    }
  };
  new MutationObserver(() => { scan(); follow(); }).observe(document.body, {childList: true, subtree: true});
  scan();
}
