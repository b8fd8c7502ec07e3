// The widget's stylesheet, served at /assets/widget.css. Kept in TypeScript so the compiled build carries
// it without an asset-copy step. The brand colour comes from /assets/theme.css (--wh-primary, from the channel's
// theme), linked before this file. Colours are chosen for WCAG 2.1 AA contrast (the axe browser test checks every
// state); sides are logical (inline-start/end), so the same rules serve right-to-left languages.
export const WIDGET_CSS = `
:root {
  --wh-primary: #2f6b3a; --wh-primary-dark: #234f2b; --wh-primary-tint: #e7f1e2; --wh-on-primary: #fff;
  --wh-sand: #fbf4e6; --wh-sun: #e9a23b; --wh-earth: #7a4b23;
  --wh-ink: #2b2118; --wh-muted: #5f5040; --wh-line: #e6d8bf; --wh-agent: #ffffff; --wh-danger: #a3271b;
  --wh-radius: 16px; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans Arabic", sans-serif; color: var(--wh-ink);
}
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { background: var(--wh-sand); }
body.wh-standalone { display: grid; place-items: center; background: linear-gradient(160deg, #f7d9a0 0%, #fbf4e6 55%, #d8e8c8 100%); }
.wh-chat { display: flex; flex-direction: column; height: 100%; width: 100%; background: var(--wh-sand); overflow: hidden; }
.wh-standalone .wh-chat { height: min(720px, 100vh); max-width: 440px; border-radius: 20px; box-shadow: 0 18px 50px rgba(70, 45, 10, .25); }
@media (max-width: 480px) { .wh-standalone .wh-chat { height: 100vh; max-width: none; border-radius: 0; } }
.wh-header { display: flex; align-items: center; gap: 12px; padding: 14px 16px; color: var(--wh-on-primary); background: var(--wh-primary); border-block-end: 4px solid var(--wh-sun); }
.wh-logo { font-size: 1.75rem; }
.wh-logo-img { display: block; width: 36px; height: 36px; object-fit: contain; border-radius: 8px; background: #fff; }
.wh-heading { flex: 1; min-width: 0; }
.wh-header h1 { margin: 0; font-size: 1.05rem; overflow-wrap: anywhere; }
.wh-conn { margin: 2px 0 0; font-size: .8rem; }
.wh-close { background: transparent; border: 0; color: var(--wh-on-primary); font-size: 1.6rem; line-height: 1; cursor: pointer; padding: 4px 10px; border-radius: 8px; min-width: 44px; min-height: 44px; }
button:focus-visible, input:focus-visible, textarea:focus-visible, .wh-log:focus-visible, .wh-attach:focus-within { outline: 3px solid var(--wh-ink); outline-offset: 2px; }
.wh-header button:focus-visible { outline-color: var(--wh-on-primary); }
.wh-note { margin: 0; padding: 6px 14px; font-size: .8rem; color: var(--wh-ink); background: #f1e6cf; border-block-end: 1px solid var(--wh-line); }
.wh-intro { flex: 1; overflow: auto; padding: 24px 20px; }
.wh-intro h2 { margin: 0 0 6px; font-size: 1.25rem; color: var(--wh-earth); }
.wh-intro p { color: var(--wh-muted); margin: 0 0 18px; }
.wh-intro label[for] { display: block; font-weight: 600; margin-bottom: 6px; }
.wh-intro input[type=text], .wh-intro input:not([type]) { width: 100%; padding: 11px 12px; font: inherit; border: 2px solid #8a7a63; border-radius: 12px; background: #fff; }
fieldset { border: 0; padding: 0; margin: 18px 0; }
legend { font-weight: 600; margin-bottom: 8px; }
.wh-avatars { display: grid; grid-template-columns: repeat(auto-fill, minmax(56px, 1fr)); gap: 8px; }
.wh-avatar { position: relative; cursor: pointer; }
.wh-avatar input { position: absolute; opacity: 0; inset: 0; }
.wh-avatar-face { display: grid; place-items: center; height: 56px; font-size: 1.9rem; border-radius: 14px; border: 2px solid var(--wh-line); background: #fff; transition: transform .1s; }
.wh-avatar input:checked + .wh-avatar-face { border-color: var(--wh-primary); background: var(--wh-primary-tint); transform: scale(1.05); }
.wh-avatar input:focus-visible + .wh-avatar-face { outline: 3px solid var(--wh-ink); outline-offset: 2px; }
.wh-primary { font: inherit; font-weight: 600; color: var(--wh-on-primary); background: var(--wh-primary); border: 0; border-radius: 999px; padding: 10px 18px; cursor: pointer; min-height: 44px; }
.wh-primary:hover { background: var(--wh-primary-dark); }
.wh-conversation { flex: 1; display: flex; flex-direction: column; min-height: 0; }
.wh-log { flex: 1; overflow-y: auto; padding: 16px 14px 8px; }
.wh-log-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 10px; }
.wh-msg { display: flex; gap: 8px; align-items: flex-end; max-width: 85%; }
.wh-msg.wh-agent { align-self: flex-start; }
.wh-msg.wh-me { align-self: flex-end; flex-direction: row-reverse; }
.wh-face { flex: none; width: 30px; height: 30px; border-radius: 50%; display: grid; place-items: center; background: #fff; border: 1px solid var(--wh-line); font-size: 17px; }
.wh-bubble { padding: 9px 12px; border-radius: var(--wh-radius); line-height: 1.4; white-space: pre-wrap; overflow-wrap: anywhere; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.wh-agent .wh-bubble { background: var(--wh-agent); border-end-start-radius: 4px; }
.wh-me .wh-bubble { background: var(--wh-primary); color: var(--wh-on-primary); border-end-end-radius: 4px; }
.wh-author { display: block; font-size: .75rem; font-weight: 600; color: var(--wh-earth); margin-bottom: 2px; }
.wh-meta { display: block; font-size: .75rem; margin-top: 4px; text-align: end; }
.wh-agent .wh-meta { color: var(--wh-muted); }
.wh-ticks { margin-inline-start: 4px; letter-spacing: -3px; }
.wh-ticks[data-status=seen] { font-weight: 800; }
.wh-msg.wh-failed .wh-bubble { background: #f5d3cf; color: #8a1f15; }
.wh-bubble img { display: block; max-width: min(220px, 100%); max-height: 180px; border-radius: 10px; margin-top: 6px; }
.wh-bubble a { color: inherit; font-weight: 600; }
.wh-system .wh-bubble { background: #fff4d6; border: 1px dashed #b89a62; font-style: italic; }
.wh-line-countdown { display: block; font-style: normal; font-weight: 700; color: var(--wh-danger); }
.wh-line-countdown:empty { display: none; }
.wh-divider { align-self: center; font-size: .75rem; color: var(--wh-ink); background: #f1e6cf; border-radius: 999px; padding: 3px 10px; }
.wh-typing { margin: 0 16px 6px; font-size: .8rem; color: var(--wh-muted); }
.wh-dots i { display: inline-block; width: 6px; height: 6px; margin-inline-end: 2px; border-radius: 50%; background: var(--wh-muted); animation: wh-blink 1.2s infinite; }
.wh-dots i:nth-child(2) { animation-delay: .2s; } .wh-dots i:nth-child(3) { animation-delay: .4s; }
@keyframes wh-blink { 0%, 80%, 100% { opacity: .25; } 40% { opacity: 1; } }
.wh-banner { margin: 0 12px 10px; padding: 12px 14px; border-radius: 14px; text-align: center; }
.wh-banner p { margin: 0 0 8px; }
.wh-banner-title { font-weight: 700; }
.wh-idle { background: #fff3d6; border: 2px solid var(--wh-sun); }
.wh-ended { background: #efe7da; border: 2px solid var(--wh-line); }
.wh-files { display: flex; flex-wrap: wrap; gap: 6px; padding: 0 12px; }
.wh-file-chip { font-size: .8rem; background: #fff; border: 1px solid var(--wh-line); border-radius: 999px; padding: 3px 10px; overflow-wrap: anywhere; }
.wh-composer { display: flex; align-items: flex-end; gap: 8px; padding: 10px 12px; border-top: 1px solid var(--wh-line); background: #fffaf0; }
.wh-composer textarea { flex: 1; min-width: 0; resize: none; font: inherit; padding: 10px 12px; border: 2px solid #8a7a63; border-radius: 14px; max-height: 120px; background: #fff; color: var(--wh-ink); }
.wh-composer textarea::placeholder { color: #6b6b6b; }
.wh-composer textarea:disabled { background: #eee6d8; }
.wh-attach { cursor: pointer; font-size: 1.25rem; padding: 8px 6px; border-radius: 8px; min-width: 44px; min-height: 44px; display: grid; place-items: center; }
.wh-send { font: inherit; font-weight: 700; color: var(--wh-on-primary); background: var(--wh-primary); border: 0; border-radius: 14px; padding: 10px 16px; cursor: pointer; min-height: 44px; }
.wh-send:hover { background: var(--wh-primary-dark); }
.wh-send:disabled, .wh-composer.wh-disabled .wh-attach { opacity: .45; cursor: not-allowed; }
.wh-error { color: var(--wh-danger); font-size: .85rem; margin: 0 14px 8px; min-height: 0; }
.wh-error:empty { display: none; }
.wh-sr { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
[hidden] { display: none !important; }
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation: none !important; transition: none !important; scroll-behavior: auto !important; }
  .wh-avatar input:checked + .wh-avatar-face { transform: none; }
}
`
