import { useSyncExternalStore } from 'react';
import { applyCanvasTheme } from '../timeline/colors';

/** The colour theme asked for: the system's (`auto`, the default), light or dark. */
export type ThemeChoice = 'auto' | 'light' | 'dark';

const KEY = 'kubetrail.theme';
const listeners = new Set<() => void>();
const media = (): MediaQueryList | null =>
  typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia('(prefers-color-scheme: dark)')
    : null;

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'auto';
  } catch {
    return 'auto';
  }
}

let choice: ThemeChoice | null = null;

/** The theme in effect: the choice, or the system's for `auto`. */
export function effectiveTheme(c: ThemeChoice = choice ?? stored()): 'light' | 'dark' {
  return c === 'auto' ? (media()?.matches ? 'dark' : 'light') : c;
}

/** Puts the theme on the page (`<html data-theme>`) and the canvas. Call once at start too. */
export function applyTheme(c: ThemeChoice = choice ?? stored()): void {
  choice = c;
  const t = effectiveTheme(c);
  document.documentElement.dataset.theme = t;
  applyCanvasTheme(t);
  for (const l of listeners) l();
}

export function setThemeChoice(c: ThemeChoice): void {
  try {
    localStorage.setItem(KEY, c);
  } catch {
    // private mode: this page only
  }
  applyTheme(c);
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  const m = media();
  const onChange = () => applyTheme();
  m?.addEventListener('change', onChange);
  return () => {
    listeners.delete(l);
    m?.removeEventListener('change', onChange);
  };
};

/** The choice and the theme in effect; re-renders when either changes. */
export function useTheme(): { choice: ThemeChoice; theme: 'light' | 'dark' } {
  const c = useSyncExternalStore(
    subscribe,
    () => choice ?? stored(),
    () => 'auto' as const,
  );
  const theme = useSyncExternalStore(
    subscribe,
    () => effectiveTheme(),
    () => 'light' as const,
  );
  return { choice: c, theme };
}
