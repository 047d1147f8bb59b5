// busmesh live dashboard: one Server-Sent Events stream (/events), one frame a second.
// Everything that came from the network (service names, addresses, event texts) is set as text,
// never as markup.
'use strict';

const HISTORY_SECONDS = 120;
const MAX_EVENTS_SHOWN = 100;
const services = new Map(); // service name -> its card, charts and history
let lastEvent = 0; // sequence number of the newest event shown: a frame may repeat what the greeting sent

const $ = (id) => document.getElementById(id);

function fixed(value, digits) {
  return value === null || value === undefined ? '–' : Number(value).toFixed(digits);
}

function percent(ratio) {
  return ratio === null || ratio === undefined ? '–' : (100 * ratio).toFixed(ratio >= 0.9995 || ratio === 0 ? 0 : 1) + '%';
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

// Long names keep their distinctive end (a replica's number) or start (a node id); the full one is the cell's title.
function shortCell(row, full, keep, fromEnd) {
  const text = full.length <= keep ? full : fromEnd ? '…' + full.slice(-keep) : full.slice(0, keep) + '…';
  const td = cell(row, text);
  td.title = full;
  return td;
}

function chartWidth(figure) {
  return Math.max(240, figure.clientWidth || 400);
}

function makeChart(figure, series, scales) {
  return new uPlot({
    width: chartWidth(figure),
    height: 170,
    scales,
    axes: [{}, { scale: series[0].scale, size: 50 }, ...(series.length > 1 && series[1].scale !== series[0].scale
      ? [{ scale: series[1].scale, side: 1, grid: { show: false }, size: 45 }] : [])],
    series: [{}, ...series],
    legend: { live: false },
  }, [[], ...series.map(() => [])], figure);
}

function serviceCard(name) {
  let entry = services.get(name);
  if (entry) return entry;
  const card = $('service-template').content.firstElementChild.cloneNode(true);
  card.dataset.service = name;
  card.querySelector('.name').textContent = name;
  $('services').appendChild(card);
  $('no-services').hidden = true;
  const history = { t: [], calls: [], success: [], p50: [], p99: [] };
  const throughput = makeChart(card.querySelector('.throughput'), [
    { label: 'calls/s', stroke: '#3758f9', width: 2, scale: 'calls' },
    { label: 'success %', stroke: '#12805c', width: 1.5, scale: '%' },
  ], { '%': { range: [0, 100] } });
  const latency = makeChart(card.querySelector('.latency'), [
    { label: 'p50 ms', stroke: '#3758f9', width: 2, scale: 'ms' },
    { label: 'p99 ms', stroke: '#c01048', width: 2, scale: 'ms' },
  ], {});
  entry = { card, history, throughput, latency, seen: true };
  services.set(name, entry);
  return entry;
}

function push(list, value) {
  list.push(value === undefined ? null : value);
  if (list.length > HISTORY_SECONDS) list.shift();
}

function showService(s, atSeconds) {
  const entry = serviceCard(s.service);
  entry.seen = true;
  const card = entry.card;
  card.querySelector('.strategy').textContent = s.strategy;
  card.querySelector('.panic').hidden = !s.panic;
  const field = (name) => card.querySelector(`[data-field="${name}"]`);
  field('callsPerSec').textContent = fixed(s.callsPerSec, 0);
  field('successRatio').textContent = percent(s.successRatio);
  field('p50Ms').textContent = s.p50Ms === null ? '–' : fixed(s.p50Ms, 2) + ' ms';
  field('p99Ms').textContent = s.p99Ms === null ? '–' : fixed(s.p99Ms, 2) + ' ms';
  field('inFlight').textContent = s.inFlight;
  field('retriesPerSec').textContent = fixed(s.retriesPerSec, 1);
  field('hedgesPerSec').textContent = fixed(s.hedgesPerSec, 1);
  field('budget').textContent = `${s.budgetRetries} / ${s.budgetCalls}`;
  field('breakerRefusals').textContent = s.breakerRefusals;

  const h = entry.history;
  push(h.t, atSeconds);
  push(h.calls, s.callsPerSec);
  push(h.success, s.successRatio === null ? null : 100 * s.successRatio);
  push(h.p50, s.p50Ms);
  push(h.p99, s.p99Ms);
  entry.throughput.setData([h.t, h.calls, h.success]);
  entry.latency.setData([h.t, h.p50, h.p99]);

  const body = card.querySelector('table.replicas tbody');
  body.replaceChildren();
  for (const r of s.replicas) {
    const row = body.insertRow();
    row.dataset.replica = r.address;
    row.dataset.breaker = r.breaker;
    if (r.ejected) row.className = 'ejected';
    shortCell(row, r.address, 26, true);
    shortCell(row, r.node, 8, false);
    cell(row, fixed(r.inFlight, 1));
    cell(row, r.localInFlight ?? '–');
    cell(row, r.attempts).dataset.field = 'attempts';
    cell(row, fixed(r.attemptsPerSec, 0));
    cell(row, r.latencyMs === undefined ? '–' : fixed(r.latencyMs, 2) + ' ms');
    cell(row, r.p99Ms === null || r.p99Ms === undefined ? '–' : fixed(r.p99Ms, 2) + ' ms');
    cell(row, percent(r.errorRate));
    cell(row, r.breaker.replace('_', '-').toLowerCase(), 'state ' + r.breaker).dataset.field = 'breaker';
    cell(row, r.ejected ? 'yes' : 'no');
    cell(row, fixed(r.warmth, 2));
  }
  const more = card.querySelector('.more');
  more.hidden = s.replicasNotShown === 0;
  more.textContent = `and ${s.replicasNotShown} more replica(s), counted in the service's figures (mesh.dashboard.maxReplicasShown)`;
}

function addEvents(events) {
  const list = $('events');
  for (const e of events) {
    if (e.seq <= lastEvent) continue;
    lastEvent = e.seq;
    const item = document.createElement('li');
    item.className = e.kind;
    item.dataset.kind = e.kind;
    const time = document.createElement('time');
    time.dateTime = new Date(e.atMs).toISOString();
    time.textContent = new Date(e.atMs).toLocaleTimeString() + (e.service ? ' · ' + e.service : '');
    item.append(time, document.createTextNode(e.text));
    list.prepend(item);
  }
  while (list.children.length > MAX_EVENTS_SHOWN) list.lastElementChild.remove();
}

function showFrame(frame) {
  $('node').textContent = frame.node;
  $('updated').textContent = 'updated ' + new Date(frame.atMs).toLocaleTimeString();
  for (const entry of services.values()) entry.seen = false;
  for (const s of frame.services) showService(s, frame.atMs / 1000);
  for (const [name, entry] of services) {
    if (!entry.seen) { // the node no longer routes it
      entry.throughput.destroy();
      entry.latency.destroy();
      entry.card.remove();
      services.delete(name);
    }
  }
  $('no-services').hidden = services.size > 0;
  addEvents(frame.events);
}

function setStatus(text, className) {
  const status = $('status');
  status.textContent = text;
  status.className = 'status ' + className;
}

function connect() {
  const source = new EventSource('events');
  source.addEventListener('hello', (m) => {
    $('events').replaceChildren();
    lastEvent = 0;
    addEvents(JSON.parse(m.data).events);
    setStatus('live', 'live');
  });
  source.addEventListener('frame', (m) => showFrame(JSON.parse(m.data)));
  source.onerror = () => setStatus('reconnecting', 'lost'); // EventSource retries by itself
}

window.addEventListener('resize', () => {
  for (const entry of services.values()) {
    for (const chart of [entry.throughput, entry.latency]) {
      chart.setSize({ width: chartWidth(chart.root.parentElement), height: 170 });
    }
  }
});

connect();
