import type { Theme } from '../hooks/useTheme.js';

export function ThemeToggle({ theme, onToggle }: { theme: Theme; onToggle: () => void }) {
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="button button--ghost theme-toggle" onClick={onToggle} aria-label={`Switch to ${next} theme`}>
      {theme === 'dark' ? '☀ Light theme' : '☾ Dark theme'}
    </button>
  );
}
