"""The checkout's look: one card, amount first, comfortable on a phone."""

CSS = """
body { background: #eef2f7; }
.nicegui-content { padding: 24px 12px; align-items: center; }
body.pg-embedded-body { background: #ffffff; }
body.pg-embedded-body .nicegui-content { padding: 0; }
.pg-card { width: 100%; max-width: 440px; gap: 0; background: #fff; border-radius: 16px;
  box-shadow: 0 10px 40px rgba(15, 23, 42, .10); overflow: hidden; }
body.pg-embedded-body .pg-card { max-width: none; border-radius: 0; box-shadow: none; min-height: 100vh; }
.pg-header { width: 100%; align-items: center; gap: 12px; padding: 16px 20px; background: #0f172a; color: #fff; }
.pg-header.pg-embedded { padding-right: 60px; }
.pg-merchant-icon { font-size: 28px; color: #93c5fd; }
.pg-merchant { font-size: 1.05rem; font-weight: 600; line-height: 1.3; }
.pg-header .pg-muted { color: #cbd5e1; }
.pg-lock { font-size: 20px; color: #86efac; }
.pg-summary { width: 100%; gap: 2px; padding: 20px 20px 16px; border-bottom: 1px solid #e2e8f0; }
.pg-amount { font-size: 2.25rem; font-weight: 700; letter-spacing: -0.02em; color: #0f172a; line-height: 1.15; }
.pg-order-row { gap: 8px; align-items: baseline; flex-wrap: wrap; }
.pg-order-id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; color: #334155;
  word-break: break-all; }
.pg-muted { color: #64748b; font-size: .875rem; }
.pg-body { width: 100%; padding: 16px 20px 24px; gap: 16px; }
.pg-methods { width: 100%; gap: 10px; flex-wrap: nowrap; }
.pg-method { flex: 1 1 0; min-height: 48px; border: 1.5px solid #cbd5e1; border-radius: 10px;
  background: #fff; color: #334155; font-weight: 600; }
.pg-method-chosen { border-color: #2563eb; background: #eff6ff; color: #1d4ed8; }
.pg-form { width: 100%; display: flex; flex-direction: column; gap: 4px; }
.pg-field { width: 100%; }
.pg-row { width: 100%; gap: 12px; flex-wrap: nowrap; }
.pg-half { flex: 1 1 0; min-width: 0; }
.pg-network { font-size: .8rem; font-weight: 700; color: #1d4ed8; white-space: nowrap; }
.pg-hint { color: #64748b; font-size: .8rem; margin: 2px 0 10px; }
.pg-form-error { width: 100%; padding: 10px 12px; margin-bottom: 8px; border-radius: 8px; background: #fef2f2;
  color: #b91c1c; font-size: .9rem; }
.pg-pay { width: 100%; min-height: 52px; border-radius: 10px; background: #2563eb; color: #fff;
  font-weight: 700; font-size: 1.05rem; }
.pg-state { width: 100%; align-items: center; text-align: center; gap: 8px; padding: 24px 4px; }
.pg-state-icon { font-size: 64px; }
.pg-ok { color: #16a34a; }
.pg-bad { color: #dc2626; }
.pg-spinner { color: #2563eb; }
.pg-state-title { font-size: 1.2rem; font-weight: 700; color: #0f172a; }
.pg-state .pg-pay { margin-top: 12px; }
.pg-footer { width: 100%; justify-content: center; align-items: center; gap: 4px; padding: 10px 0 14px;
  color: #94a3b8; font-size: .75rem; border-top: 1px solid #f1f5f9; }
.pg-footer .q-icon { font-size: 14px; }
.pg-test-banner { width: 100%; justify-content: center; padding: 6px 12px; background: #fef3c7; color: #92400e;
  font-size: .8rem; font-weight: 600; text-align: center; }
.pg-bank { width: 100%; gap: 10px; padding: 16px; border: 1px solid #cbd5e1; border-radius: 12px; background: #f8fafc; }
.pg-bank-head { width: 100%; align-items: center; gap: 8px; padding-bottom: 8px; border-bottom: 1px solid #e2e8f0; }
.pg-bank-icon { font-size: 24px; color: #0f766e; }
.pg-bank-name { font-weight: 700; color: #0f766e; }
.pg-countdown { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-weight: 700; color: #b45309; }
.pg-link-button { color: #2563eb; font-weight: 600; }
.pg-qr { width: 200px; height: 200px; image-rendering: pixelated; }
.pg-reason { color: #334155; }
.pg-app { width: 100%; max-width: 380px; gap: 12px; padding: 24px; background: #fff; border-radius: 16px;
  align-items: center; text-align: center; box-shadow: 0 10px 40px rgba(15, 23, 42, .10); }
.pg-decline { width: 100%; min-height: 52px; border-radius: 10px; border: 1.5px solid #dc2626; color: #dc2626;
  font-weight: 700; }
@media (max-width: 480px) {
  .nicegui-content { padding: 0; }
  .pg-card { max-width: none; border-radius: 0; box-shadow: none; min-height: 100vh; }
  .pg-amount { font-size: 2rem; }
}
"""
