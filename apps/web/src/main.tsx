import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// Global styles first, so each page's stylesheet can refine them.
import './app.css';
import { App } from './App';
import { applyTheme } from './lib/theme';

applyTheme();

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
