import { useEffect, useRef, useState } from 'react';

/** How long typing pauses before a filter applies (ms). */
export const FILTER_DEBOUNCE_MS = 300;

/**
 * A text input whose value is applied (to the URL) as you type, once typing pauses, and at once
 * on Enter; clearing it (the search box's ✕ too) clears the filter. It follows the URL when that
 * changes elsewhere (back button, a link). A value that `validate` refuses is not applied.
 */
export function TextFilter({
  label,
  value,
  onApply,
  placeholder,
  hint,
  type = 'text',
  className,
  validate,
}: {
  label: string;
  value: string;
  onApply: (v: string) => void;
  placeholder?: string;
  /** A line under the field saying what it takes. */
  hint?: string;
  type?: 'text' | 'search';
  className?: string;
  validate?: (v: string) => string | null;
}) {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    // The URL moved on: adopt its value (React's "adjust state while rendering" pattern).
    setSeen(value);
    setDraft(value);
  }
  const problem = validate && draft.trim() ? validate(draft.trim()) : null;
  const latest = useRef({ value, onApply });
  useEffect(() => {
    latest.current = { value, onApply };
  });
  useEffect(() => {
    if (problem || draft.trim() === latest.current.value) return;
    const id = window.setTimeout(() => latest.current.onApply(draft.trim()), FILTER_DEBOUNCE_MS);
    return () => window.clearTimeout(id);
  }, [draft, problem]);
  const apply = () => {
    if (!problem && draft.trim() !== value) onApply(draft.trim());
  };
  return (
    <label className={`field ${className ?? ''}`}>
      <span className="field-label">{label}</span>
      <input
        type={type}
        value={draft}
        placeholder={placeholder}
        aria-invalid={problem ? true : undefined}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
          if (e.key === 'Escape') setDraft(value);
        }}
      />
      {problem ? (
        <span className="field-error">{problem}</span>
      ) : hint ? (
        <span className="field-hint">{hint}</span>
      ) : null}
    </label>
  );
}
