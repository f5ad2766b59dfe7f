/**
 * Every request: pick its language (language.ts), remember an explicit choice, and give pages `t`; a
 * page failed by an outage leaves as a 503.
 */
import { defineMiddleware } from 'astro:middleware';
import { LANGUAGE_COOKIE, pickLanguage } from './i18n/language.ts';
import { translator } from './i18n/translate.ts';

const YEAR_SECONDS = 365 * 24 * 3600;

export const onRequest = defineMiddleware(async (context, next) => {
  const { language, remember } = pickLanguage({
    query: context.url.searchParams.get('lang'),
    cookie: context.cookies.get(LANGUAGE_COOKIE)?.value,
    acceptLanguage: context.request.headers.get('accept-language'),
  });
  if (remember) {
    context.cookies.set(LANGUAGE_COOKIE, language, {
      path: '/',
      maxAge: YEAR_SECONDS,
      sameSite: 'lax',
      httpOnly: true,
      secure: context.url.protocol === 'https:',
    });
  }
  context.locals.lang = language;
  context.locals.t = translator(language);
  let response = await next();
  // The error page (src/pages/500.astro) always renders as a 500; a passing outage is answered 503.
  if (context.locals.failure?.kind === 'unavailable' && response.status === 500)
    response = new Response(response.body, { status: 503, headers: response.headers });
  // The same URL renders in another language for another cookie or Accept-Language.
  response.headers.append('vary', 'Accept-Language, Cookie');
  return response;
});
