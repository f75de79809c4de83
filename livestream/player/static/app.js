// The livestream player page: channels from channels.json, past broadcasts from recordings.json.
// hls.js plays everywhere Media Source Extensions exist, except Safari, which plays HLS natively.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const video = $('video');
  const statusLine = $('status');
  const quality = $('quality');
  const seek = $('seek');
  const behind = $('behind');
  const goLive = $('go-live');
  const params = new URLSearchParams(location.search);
  const embedded = params.get('embed') === '1';

  const OFFLINE_POLL_MS = 5000; // how often an offline channel is checked for a new broadcast
  const STALL_TARGETS = 3; // this many target durations without progress = the broadcast stopped
  const MIN_STALL_MS = 8000; // ... but never less: a slow first segment is not "offline"
  const DEFAULT_TARGET_SECONDS = 4; // the library's default segment length, until a playlist says

  const state = {
    channels: {}, recordings: [], channel: null, recording: null,
    hls: null, url: null, live: false, lowLatency: false,
    timer: null, poll: null, lastTime: -1, lastProgress: 0, seeking: false, recovered: false,
  };

  function setStatus(kind, text) {
    statusLine.dataset.state = kind;
    statusLine.textContent = text;
    const badge = state.channel && document.querySelector(`[data-channel="${CSS.escape(state.channel)}"] .badge`);
    if (badge && state.live) {
      badge.textContent = kind === 'offline' ? 'Offline' : kind === 'playing' ? 'Live' : '';
      badge.classList.toggle('live', kind === 'playing');
    }
  }

  async function loadJson(url) {
    const response = await fetch(url, { cache: 'no-cache' });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  }

  // A missing or corrupt recordings.json means "no past broadcasts", never a broken page.
  async function loadRecordings() {
    try {
      const data = await loadJson('recordings.json');
      const list = data && Array.isArray(data.recordings) ? data.recordings : [];
      return list
        .filter((r) => r && typeof r.channel === 'string' && typeof r.hls === 'string')
        .sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt)));
    } catch (error) {
      return [];
    }
  }

  function engine() {
    const native = video.canPlayType('application/vnd.apple.mpegurl') !== '';
    if (native && /Apple/.test(navigator.vendor)) return 'native'; // Safari: native HLS
    if (window.Hls && window.Hls.isSupported()) return 'hls.js';
    return native ? 'native' : null;
  }

  function stopPlayback() {
    clearInterval(state.timer);
    clearInterval(state.poll);
    state.timer = state.poll = null;
    if (state.hls) state.hls.destroy();
    state.hls = null;
    video.removeAttribute('src');
    video.load();
    fillQuality([]);
    seek.disabled = true;
    goLive.disabled = true;
    behind.textContent = '';
    behind.dataset.seconds = behind.dataset.wallclockSeconds = '';
  }

  function fillQuality(levels) {
    quality.replaceChildren(new Option('Automatic', '-1'));
    levels
      .map((level, index) => ({ level, index }))
      .sort((a, b) => b.level.height - a.level.height || b.level.bitrate - a.level.bitrate)
      .forEach(({ level, index }) => {
        quality.add(new Option(`${level.height}p · ${Math.round(level.bitrate / 1000)} kb/s`, String(index)));
      });
    quality.disabled = levels.length === 0;
  }

  function start(url, { live, lowLatency }) {
    stopPlayback();
    Object.assign(state, { url, live, lowLatency, lastTime: -1, lastProgress: performance.now(), recovered: false });
    setStatus('loading', live ? 'Connecting to the live stream…' : 'Loading the recording…');
    const kind = engine();
    if (!kind) {
      setStatus('error', 'This browser cannot play HLS video.');
      return;
    }
    if (kind === 'native') {
      video.src = url;
      quality.title = 'Safari chooses the quality itself';
    } else {
      state.hls = createHls(url, lowLatency);
    }
    video.play().catch(() => {}); // muted autoplay; the controls remain if a browser refuses
    state.timer = setInterval(tick, 1000);
  }

  function createHls(url, lowLatency) {
    const hls = new window.Hls({ lowLatencyMode: lowLatency, backBufferLength: 90, enableWorker: true });
    hls.on(window.Hls.Events.MANIFEST_PARSED, (_, data) => fillQuality(data.levels));
    hls.on(window.Hls.Events.LEVEL_SWITCHED, (_, data) => {
      const level = hls.levels[data.level];
      quality.options[0].textContent = hls.autoLevelEnabled && level ? `Automatic (${level.height}p)` : 'Automatic';
    });
    hls.on(window.Hls.Events.ERROR, (_, data) => onHlsError(hls, data));
    hls.loadSource(url);
    hls.attachMedia(video);
    return hls;
  }

  function onHlsError(hls, data) {
    if (!data.fatal) return;
    if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR && !state.recovered) {
      state.recovered = true;
      hls.recoverMediaError();
    } else if (data.type === window.Hls.ErrorTypes.NETWORK_ERROR && state.live) {
      goOffline();
    } else {
      stopPlayback();
      setStatus('error', state.live ? 'The stream cannot be played right now.' : 'This recording cannot be played.');
    }
  }

  function targetSeconds() {
    const hls = state.hls;
    const level = hls && hls.levels[hls.currentLevel >= 0 ? hls.currentLevel : 0];
    return (level && level.details && level.details.targetduration) || DEFAULT_TARGET_SECONDS;
  }

  // Once a second: progress, the offline watchdog, distance behind live and the seek bar.
  function tick() {
    const now = performance.now();
    if (state.live && video.ended) {
      goOffline(); // the playlist ended (#EXT-X-ENDLIST): the broadcast is over
      return;
    }
    if (video.currentTime !== state.lastTime || video.paused) {
      if (video.currentTime !== state.lastTime && video.currentTime > 0 && !video.paused) setStatus('playing', '');
      state.lastTime = video.currentTime;
      state.lastProgress = now;
    } else if (state.live && now - state.lastProgress > Math.max(MIN_STALL_MS, STALL_TARGETS * targetSeconds() * 1000)) {
      goOffline();
      return;
    } else if (statusLine.dataset.state === 'playing') {
      setStatus('buffering', 'Buffering…');
    }
    if (!state.live && video.ended) setStatus('ended', 'End of the recording.');
    updateSeek();
  }

  function liveEdge() {
    const ranges = video.seekable;
    const end = ranges.length ? ranges.end(ranges.length - 1) : NaN;
    const sync = state.hls && state.hls.liveSyncPosition;
    return Number.isFinite(sync) && sync > 0 ? sync : end - 3 * targetSeconds();
  }

  function secondsBehindLive() {
    const latency = state.hls && state.hls.latency;
    if (Number.isFinite(latency) && latency > 0) return latency;
    const ranges = video.seekable;
    return ranges.length ? Math.max(0, ranges.end(ranges.length - 1) - video.currentTime) : NaN;
  }

  function updateSeek() {
    const ranges = video.seekable;
    if (!ranges.length || state.seeking) return;
    const first = ranges.start(0);
    const last = ranges.end(ranges.length - 1);
    seek.max = String(Math.max(0, Math.floor(last - first)));
    seek.value = String(Math.round(video.currentTime - first));
    seek.disabled = last - first < 1;
    if (state.live) {
      const distance = secondsBehindLive();
      const playing = state.hls && state.hls.playingDate;
      behind.dataset.seconds = Number.isFinite(distance) ? distance.toFixed(2) : '';
      behind.dataset.wallclockSeconds = playing ? ((Date.now() - playing.getTime()) / 1000).toFixed(2) : '';
      behind.textContent = Number.isFinite(distance) ? `${Math.round(distance)} s behind live` : '';
      seek.setAttribute('aria-valuetext', behind.textContent);
      goLive.disabled = !Number.isFinite(distance);
    } else {
      seek.setAttribute('aria-valuetext', `${Math.round(video.currentTime)} s of ${Math.round(last)} s`);
    }
  }

  async function playlistFingerprint(url) {
    // The multivariant playlist never changes; its first media playlist does while a broadcast runs.
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) return null;
    const text = await response.text();
    if (!text.includes('#EXT-X-STREAM-INF')) return text;
    const lines = text.split('\n').map((line) => line.trim());
    const media = lines.find((line, i) => i > 0 && line && !line.startsWith('#') && lines[i - 1].startsWith('#EXT-X-STREAM-INF'));
    return media ? playlistFingerprint(new URL(media, url).href) : text;
  }

  async function goOffline() {
    const { url, lowLatency, channel } = state;
    stopPlayback();
    setStatus('offline', `${channel} is offline: nothing is being broadcast right now. Playback starts by itself when it is back.`);
    const stale = await playlistFingerprint(url).catch(() => null);
    state.poll = setInterval(async () => {
      const current = await playlistFingerprint(url).catch(() => null);
      if (current && current !== stale && !current.includes('#EXT-X-ENDLIST') && state.channel === channel && state.url === url) {
        start(url, { live: true, lowLatency });
      }
    }, OFFLINE_POLL_MS);
  }

  function openChannel(name) {
    const urls = state.channels[name];
    state.channel = name;
    state.recording = null;
    $('now-playing').textContent = name;
    document.querySelectorAll('.channel').forEach((b) => b.setAttribute('aria-current', String(b.dataset.channel === name)));
    params.set('channel', name);
    history.replaceState(null, '', `?${params}`);
    renderEmbed(name);
    renderRecordings(name);
    start(urls.llHls || urls.hls, { live: true, lowLatency: Boolean(urls.llHls) });
  }

  function openRecording(recording) {
    state.recording = recording;
    $('now-playing').textContent = `${recording.channel} · ${describe(recording)}`;
    document.querySelectorAll('.recording').forEach((b) => b.setAttribute('aria-current', String(b.recording === recording)));
    start(recording.hls, { live: false, lowLatency: false });
  }

  function describe(recording) {
    const started = new Date(recording.startedAt);
    const when = Number.isNaN(started.getTime()) ? String(recording.startedAt) : started.toLocaleString();
    const seconds = Math.round(Number(recording.durationSeconds));
    return Number.isFinite(seconds) && seconds >= 0 ? `${when} · ${duration(seconds)}` : when;
  }

  function duration(seconds) {
    if (seconds < 60) return `${seconds} s`;
    const hours = Math.floor(seconds / 3600);
    const minutes = Math.round((seconds % 3600) / 60);
    return hours ? `${hours} h ${minutes} min` : `${minutes} min`;
  }

  function renderChannels() {
    const list = $('channel-list');
    const names = Object.keys(state.channels);
    $('no-channels').hidden = names.length > 0;
    list.replaceChildren(...names.map((name) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'channel';
      button.dataset.channel = name;
      const label = document.createElement('span');
      label.textContent = name;
      const badge = document.createElement('span');
      badge.className = 'badge';
      button.append(label, badge);
      button.addEventListener('click', () => openChannel(name));
      const item = document.createElement('li');
      item.append(button);
      return item;
    }));
  }

  function renderRecordings(channel) {
    const mine = state.recordings.filter((r) => r.channel === channel);
    $('no-recordings').hidden = mine.length > 0;
    $('recording-list').replaceChildren(...mine.map((recording) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'recording';
      button.recording = recording;
      button.textContent = describe(recording);
      button.addEventListener('click', () => openRecording(recording));
      const item = document.createElement('li');
      item.append(button);
      return item;
    }));
  }

  function renderEmbed(channel) {
    const src = `${location.origin}${location.pathname}?channel=${encodeURIComponent(channel)}&amp;embed=1`;
    $('embed-code').value =
      `<iframe src="${src}" width="960" height="540" title="${channel} live" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>`;
    $('copy-embed').disabled = false;
  }

  async function copyEmbed() {
    const field = $('embed-code');
    try {
      await navigator.clipboard.writeText(field.value);
      $('copy-result').textContent = 'Embed code copied.';
    } catch (error) {
      field.focus();
      field.select(); // no clipboard permission: leave it selected for Ctrl+C / long press
      $('copy-result').textContent = 'Selected: press Ctrl+C (or ⌘C) to copy.';
    }
  }

  function bindControls() {
    quality.addEventListener('change', () => {
      if (state.hls) state.hls.currentLevel = Number(quality.value); // -1 = automatic
    });
    seek.addEventListener('input', () => {
      state.seeking = true;
      const ranges = video.seekable;
      if (ranges.length) video.currentTime = ranges.start(0) + Number(seek.value);
    });
    seek.addEventListener('change', () => { state.seeking = false; });
    goLive.addEventListener('click', () => {
      const edge = liveEdge();
      if (Number.isFinite(edge)) video.currentTime = edge;
      video.play().catch(() => {});
    });
    $('copy-embed').addEventListener('click', copyEmbed);
  }

  async function main() {
    if (embedded) document.body.classList.add('embedded');
    bindControls();
    try {
      state.channels = await loadJson('channels.json');
    } catch (error) {
      setStatus('error', 'The channel list (channels.json) could not be loaded.');
      return;
    }
    state.recordings = await loadRecordings();
    renderChannels();
    const names = Object.keys(state.channels);
    const wanted = params.get('channel');
    if (wanted && !(wanted in state.channels)) {
      setStatus('error', `There is no channel named "${wanted}". Choose one from the list.`);
    } else if (names.length) {
      openChannel(wanted || names[0]);
    }
  }

  main();
})();
