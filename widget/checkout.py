"""checkout.js, the PayGate payment widget (docs/api.md §8), written in Python for Transcrypt.

Plain Python 3.9 code only (see widget/README.md): JavaScript objects are read with subscripts
(`data['type']`), never attributes, because Transcrypt renames attributes that collide with
its runtime. `python -m widget.build` turns this file into the one script `widget/dist/checkout.js`.

    <script src="https://checkout.example/checkout.js"></script>
    new PaymentGateway({key: 'key_...', orderId: 'order_...',
                        onSuccess: function (data) {}, onFailure: function (data) {},
                        onClose: function () {}}).open();
"""
# __pragma__ ('noalias')

MODAL_ID = 'payment-gateway-modal'
STYLE_ID = 'payment-gateway-style'
FALLBACK_ORIGIN = 'http://localhost:3001'

STYLE = (
    '#payment-gateway-modal{position:fixed;top:0;right:0;bottom:0;left:0;z-index:2147483000;'
    'font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}'
    '#payment-gateway-modal .modal-overlay{position:absolute;top:0;right:0;bottom:0;left:0;'
    'display:flex;align-items:center;justify-content:center;padding:16px;box-sizing:border-box;'
    'background:rgba(15,23,42,.62)}'
    '#payment-gateway-modal .modal-content{position:relative;width:100%;max-width:440px;height:100%;'
    'max-height:680px;background:#fff;border-radius:14px;overflow:hidden;'
    'box-shadow:0 24px 64px rgba(15,23,42,.35)}'
    '#payment-gateway-modal iframe{display:block;width:100%;height:100%;border:0}'
    '#payment-gateway-modal .close-button{position:absolute;top:10px;right:10px;width:36px;height:36px;'
    'padding:0;border:0;border-radius:50%;background:rgba(255,255,255,.92);color:#334155;'
    'font-size:24px;line-height:36px;text-align:center;cursor:pointer;'
    'box-shadow:0 1px 4px rgba(15,23,42,.25)}'
    '#payment-gateway-modal .close-button:hover{background:#f1f5f9}'
    '#payment-gateway-modal .close-button:focus-visible{outline:3px solid #2563eb;outline-offset:2px}'
    '@media (max-width:520px){#payment-gateway-modal .modal-overlay{padding:0}'
    '#payment-gateway-modal .modal-content{max-width:none;max-height:none;border-radius:0}}'
)


def script_origin():
    """The checkout's origin, from this script's own src: only valid while the script first runs."""
    script = document.currentScript
    if script and script.src:
        return __new__(URL(script.src)).origin
    return FALLBACK_ORIGIN


CHECKOUT_ORIGIN = script_origin()


def install_style():
    if document.getElementById(STYLE_ID):
        return
    style = document.createElement('style')
    style.id = STYLE_ID
    style.textContent = STYLE
    document.head.appendChild(style)


def element(tag, class_name, test_id):
    node = document.createElement(tag)
    if class_name:
        node.className = class_name
    if test_id:
        node.setAttribute('data-test-id', test_id)
    return node


def call_back(callback, argument):
    if callback:
        callback(argument)


class PaymentGateway:
    def __init__(self, options):
        if not options or not options['key'] or not options['orderId']:
            raise __new__(Error('PaymentGateway: options.key and options.orderId are required'))
        self.options = options
        self.modal = None
        self.iframe = None
        self.close_button = None
        self.previous_focus = None
        self.previous_overflow = ''
        # One function each, kept, so that removeEventListener removes exactly what was added.
        self.message_listener = self.on_message
        self.keydown_listener = self.on_keydown
        self.focus_listener = self.on_focus_in
        self.close_listener = self.on_close_click

    def checkout_url(self):
        return (CHECKOUT_ORIGIN + '/checkout?order_id=' + encodeURIComponent(self.options['orderId'])
                + '&embedded=true')

    def open(self):
        if self.modal:
            return
        install_style()
        modal = element('div', '', 'payment-modal')
        modal.id = MODAL_ID
        modal.setAttribute('role', 'dialog')
        modal.setAttribute('aria-modal', 'true')
        modal.setAttribute('aria-label', 'Secure payment')
        overlay = element('div', 'modal-overlay', '')
        content = element('div', 'modal-content', '')
        iframe = element('iframe', '', 'payment-iframe')
        iframe.setAttribute('src', self.checkout_url())
        iframe.setAttribute('title', 'Secure checkout')
        iframe.setAttribute('allow', 'payment')
        button = element('button', 'close-button', 'close-modal-button')
        button.setAttribute('type', 'button')
        button.setAttribute('aria-label', 'Close payment window')
        button.textContent = '\u00d7'
        button.addEventListener('click', self.close_listener)
        content.appendChild(iframe)
        content.appendChild(button)
        overlay.appendChild(content)
        modal.appendChild(overlay)

        self.previous_focus = document.activeElement
        self.previous_overflow = document.body.style.overflow
        document.body.style.overflow = 'hidden'
        document.body.appendChild(modal)
        self.modal = modal
        self.iframe = iframe
        self.close_button = button
        window.addEventListener('message', self.message_listener)
        document.addEventListener('keydown', self.keydown_listener)
        document.addEventListener('focusin', self.focus_listener)
        iframe.focus()

    def close(self):
        if not self.modal:
            return
        window.removeEventListener('message', self.message_listener)
        document.removeEventListener('keydown', self.keydown_listener)
        document.removeEventListener('focusin', self.focus_listener)
        self.modal.parentNode.removeChild(self.modal)
        self.modal = None
        self.iframe = None
        self.close_button = None
        document.body.style.overflow = self.previous_overflow
        if self.previous_focus and self.previous_focus.focus:
            self.previous_focus.focus()
        self.previous_focus = None
        call_back(self.options['onClose'], None)

    def on_close_click(self, event):
        self.close()

    def on_keydown(self, event):
        if event.key == 'Escape':
            self.close()
        elif event.key == 'Tab' and not event.shiftKey and document.activeElement == self.close_button:
            # The close button is the dialog's last stop: wrap around to the checkout.
            event.preventDefault()
            self.iframe.focus()

    def on_focus_in(self, event):
        # Keep keyboard focus inside the dialog: whatever behind it takes focus hands it back.
        if self.modal and not self.modal.contains(event.target):
            self.iframe.focus()

    def on_message(self, event):
        # Only the checkout page inside our own iframe may speak to us.
        if event.origin != CHECKOUT_ORIGIN or not self.iframe or event.source != self.iframe.contentWindow:
            return
        message = event.data
        if not message:
            return
        kind = message['type']
        if kind == 'payment_success':
            try:
                call_back(self.options['onSuccess'], message['data'])
            finally:
                self.close()
        elif kind == 'payment_failed':
            call_back(self.options['onFailure'], message['data'])
        elif kind == 'close_modal':
            self.close()
