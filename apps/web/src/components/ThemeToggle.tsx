import { setThemeChoice, useTheme, type ThemeChoice } from '../lib/theme';

/** Light, dark, or as the system says. */
export function ThemeToggle() {
  const { choice } = useTheme();
  return (
    <label className="field-inline small">
      Theme{' '}
      <select
        value={choice}
        aria-label="Colour theme"
        onChange={(e) => setThemeChoice(e.target.value as ThemeChoice)}
      >
        <option value="auto">as the system</option>
        <option value="light">light</option>
        <option value="dark">dark</option>
      </select>
    </label>
  );
}
