/** Every request: pick its language (language.ts), remember an explicit choice, and give pages `t`. */
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
  const response = await next();
  // The same URL renders in another language for another cookie or Accept-Language.
  response.headers.append('vary', 'Accept-Language, Cookie');
  return response;
});
