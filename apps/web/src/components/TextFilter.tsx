import { useState } from 'react';

/**
 * A text input whose value is applied (to the URL) on Enter or blur, and which follows the URL
 * when it changes elsewhere (back button, a link).
 */
export function TextFilter({
  label,
  value,
  onApply,
  placeholder,
  type = 'text',
  className,
  validate,
}: {
  label: string;
  value: string;
  onApply: (v: string) => void;
  placeholder?: string;
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
      {problem && <span className="field-error">{problem}</span>}
    </label>
  );
}
