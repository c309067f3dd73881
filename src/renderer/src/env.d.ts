/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { Api } from '../../shared/contract';

declare global {
  interface Window {
    /** set by the Electron preload; absent in browser mode */
    api?: Api;
  }
}
