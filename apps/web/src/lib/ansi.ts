/* eslint-disable no-control-regex -- matching control characters is the point of this module */
// CSI (colours, cursor moves), OSC (titles, hyperlinks) and lone escape sequences.
const ANSI =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// Other C0/C1 control characters except tab and newline, shown as a visible placeholder.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Makes log text safe and readable for display as plain text: strips ANSI escape sequences and
 * replaces other control characters with U+FFFD. (It is still rendered as text, never as HTML.)
 */
export function cleanLogText(s: string): string {
  return s.replace(ANSI, '').replace(CONTROL, '\ufffd');
}
