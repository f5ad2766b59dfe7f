/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** The domain verbs this request may use, bound to numpool's context (src/api/web/web-locals.ts). */
    numpool: import('../../src/api/web/web-locals.ts').WebLocals;
    /** Set by src/middleware.ts on every request. */
    lang: import('./i18n/language.ts').Language;
    t: import('./i18n/translate.ts').Translate;
    /** Set by src/pages/500.astro: how the failure of this request's page is answered. */
    failure?: import('../../src/api/web/web-locals.ts').PageFailure;
  }
}
