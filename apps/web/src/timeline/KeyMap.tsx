import { useEffect, useRef } from 'react';

const KEYS: [string, string][] = [
  ['j / n', 'next line'],
  ['k / p', 'previous line'],
  ['e', 'next error'],
  ['s', 'jump to where the request stopped'],
  ['+ / -', 'zoom in / out'],
  ['← / →', 'pan'],
  ['Esc', 'clear the selection'],
  ['?', 'show or hide these keys'],
  ['Back', 'undo a zoom, pan or window change'],
];

/** The timeline's keys, as a dialog (`?`). */
export function KeyMap({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div className="keymap-backdrop" onClick={onClose}>
      <div
        className="keymap"
        role="dialog"
        aria-modal="true"
        aria-label="Keyboard shortcuts"
        tabIndex={-1}
        ref={ref}
        onClick={(e) => e.stopPropagation()}
      >
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {KEYS.map(([k, what]) => (
              <tr key={k}>
                <th scope="row">
                  <kbd>{k}</kbd>
                </th>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
