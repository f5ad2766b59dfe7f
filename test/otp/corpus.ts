/**
 * A corpus of one-time-code SMS as services word them, across platforms and languages, each with the code
 * a customer should see (or null when there is none). Written for numpool; the brand styles follow what the
 * services send, the texts, codes, phone numbers and amounts are made up.
 */

export interface CorpusCase {
  /** BCP-47-ish language of the text. */
  lang: string;
  text: string;
  expected: string | null;
  platform?: string;
  providerCode?: string | null;
  /** Only the platform's house style tells the code from an older one in the same text. */
  needsPlatform?: boolean;
}

const c = (
  lang: string,
  text: string,
  expected: string | null,
  extra: Omit<CorpusCase, 'lang' | 'text' | 'expected'> = {},
): CorpusCase => ({ lang, text, expected, ...extra });
const p = (platform: string, lang: string, text: string, expected: string | null): CorpusCase =>
  c(lang, text, expected, { platform });

/** House styles of the big platforms, read with their platform slug. */
export const PLATFORM_CASES: CorpusCase[] = [
  p('whatsapp', 'en', "Your WhatsApp code: 384-019\nDon't share this code with others", '384019'),
  p(
    'whatsapp',
    'en',
    "WhatsApp code 502-771\n\nYou can also tap this link to verify your phone: v.whatsapp.com/502771\n\nDon't share this code with others",
    '502771',
  ),
  p('whatsapp', 'ru', 'Ваш код WhatsApp: 918-264. Никому не сообщайте этот код.', '918264'),
  p('whatsapp', 'pt', 'Seu código do WhatsApp: 447-120. Não compartilhe este código com ninguém.', '447120'),
  p('whatsapp', 'id', 'Kode WhatsApp Anda: 663-905\nJangan bagikan kode ini', '663905'),
  p('whatsapp', 'es', 'Tu código de WhatsApp Business es 210-837. No compartas este código.', '210837'),
  p(
    'telegram',
    'en',
    'Telegram code: 41927\n\nYou can also tap on this link to log in:\nhttps://t.me/login/41927',
    '41927',
  ),
  p(
    'telegram',
    'en',
    "Login code: 73015. Do not give this code to anyone, even if they say they are from Telegram!\n\nThis code can be used to log in to your Telegram account. We never ask it for anything else.\n\nIf you didn't request this code by trying to log in on another device, simply ignore this message.",
    '73015',
  ),
  p(
    'telegram',
    'ru',
    'Код подтверждения Telegram: 58204. Не давайте код никому, даже если его требуют от имени Telegram!',
    '58204',
  ),
  p(
    'telegram',
    'en',
    "Web login code. Dear Alex, we received a request from your account to log in on my.telegram.org. This is your login code:\nqW3rT9yU2iO\n\nDo not give this code to anyone, even if they say they're from Telegram!",
    'qW3rT9yU2iO',
  ),
  p('google', 'en', 'G-582013 is your Google verification code.', '582013'),
  p('google', 'es', 'G-771209 es tu código de verificación de Google.', '771209'),
  p(
    'google',
    'en',
    "G-306118 is your Google verification code. Don't share it. Questions? Call +1 650-253-0000",
    '306118',
  ),
  p('facebook', 'en', 'FB-48213 is your Facebook confirmation code', '48213'),
  p('facebook', 'en', '12873465 is your Facebook code. Laz+nxCarLW', '12873465'),
  p('instagram', 'en', 'Use 402 118 to verify your Instagram account.', '402118'),
  p('instagram', 'en', "559 031 is your Instagram code. Don't share it.", '559031'),
  p('twitter', 'en', 'Your X verification code is 730164.', '730164'),
  p('twitter', 'en', "Your X confirmation code is h4k7m2p9. Didn't request this? Ignore it.", 'h4k7m2p9'),
  p('discord', 'en', "Your Discord security code is: 802514. Don't share this with anyone.", '802514'),
  p(
    'tiktok',
    'en',
    '[TikTok] 604182 is your verification code, valid for 5 minutes. To keep your account safe, never forward this code.',
    '604182',
  ),
  p(
    'tiktok',
    'id',
    '[TikTok] 381920 adalah kode verifikasi Anda, berlaku selama 5 menit. Jangan bagikan kode ini.',
    '381920',
  ),
  p(
    'apple',
    'en',
    "Your Apple Account code is: 918273. Don't share it with anyone.\n\n@apple.com #918273 %apple.com",
    '918273',
  ),
  p('apple', 'en', 'Apple ID verification code: 640213\nDo not share it with anyone.', '640213'),
  p('microsoft', 'en', 'Security code: 4917263\nUse it to verify your Microsoft account.', '4917263'),
  p('microsoft', 'en', 'Use 8302 as Microsoft account security code', '8302'),
  p('amazon', 'en', '483920 is your Amazon OTP. Do not share it with anyone.', '483920'),
  p(
    'amazon',
    'en',
    'Amazon: Share OTP 613402 with the delivery agent for order 402-7719234-5567120. Do not share it otherwise.',
    '613402',
  ),
  p('openai', 'en', 'Your OpenAI verification code is: 275019', '275019'),
  p(
    'paypal',
    'en',
    "PayPal: Your security code is 836102. Your code expires in 10 minutes. Please don't reply.",
    '836102',
  ),
  p(
    'paypal',
    'en',
    'PayPal: To confirm your payment of $149.99 use code 550718. Never share this code.',
    '550718',
  ),
  p(
    'wechat',
    'en',
    "[WeChat] Verification code 731940. Valid for 5 minutes. Don't share it with others.",
    '731940',
  ),
  p('wechat', 'zh', '【微信】你的微信验证码是：502836，5分钟内有效，请勿告诉他人。', '502836'),
  p('vk', 'ru', 'VK: 318290 — код подтверждения. Никому не говорите код!', '318290'),
  p('ok', 'ru', 'Код для входа в OK: 927364', '927364'),
  p('mailru', 'ru', 'Mail: код для восстановления доступа 581004. Не сообщайте его никому.', '581004'),
  p('line', 'en', '[LINE] Your verification code is 5932. Do not share this code with anyone.', '5932'),
  p('line', 'ja', '【LINE】認証番号：4081\nこの番号を他人に教えないでください。', '4081'),
  p('tinder', 'en', "Your Tinder code is 830491 - don't share it with anyone.", '830491'),
  p('uber', 'en', 'Your Uber code: 7302. Never share this code. Reply STOP ABC to 81010', '7302'),
  p('netflix', 'en', 'Netflix: Your verification code is 4417. It expires in 15 minutes.', '4417'),
  p('snapchat', 'en', 'Snapchat code: 730112. Happy Snapping!', '730112'),
  p('steam', 'en', 'Your Steam Guard code: R7T2K', 'R7T2K'),
  p('kakaotalk', 'ko', '[Web발신]\n[카카오톡] 인증번호 [4827]를 입력해주세요.', '4827'),
  p('naver', 'ko', '[네이버] 인증번호 [629104]를 입력해 주세요.', '629104'),
  p('viber', 'en', 'Your Viber code: 205931', '205931'),
  p(
    'gojek',
    'id',
    '<#> Kode verifikasi GOJEK kamu: 4821. JANGAN BERIKAN kode ini ke siapa pun termasuk pihak Gojek. WASPADA PENIPUAN! FA+9qCX9VSu',
    '4821',
  ),
  p(
    'shopee',
    'id',
    'Kode verifikasi Shopee Anda adalah 728104. JANGAN BERIKAN kode ini kepada siapa pun, termasuk pihak Shopee.',
    '728104',
  ),
  p('yandex', 'ru', 'Код подтверждения: 2719. Никому не говорите код, даже сотруднику Яндекса.', '2719'),
];

/** Texts with a second, stale code, where the house style decides. */
export const HOUSE_STYLE_CASES: CorpusCase[] = [
  c('en', 'G-482913 is your Google verification code. Your previous code 5521 no longer works.', '482913', {
    platform: 'google',
    needsPlatform: true,
  }),
  c('en', 'Telegram: your login code is 41927. The previous code 73015 has expired.', '41927', {
    platform: 'telegram',
    needsPlatform: true,
  }),
  c(
    'en',
    '[TikTok] 604182 is your verification code. Code 9921 from your earlier request has expired.',
    '604182',
    { platform: 'tiktok', needsPlatform: true },
  ),
];

/** Generic English texts, read without a platform. */
export const ENGLISH_CASES: CorpusCase[] = [
  c('en', 'Your verification code is 903172. It expires in 10 minutes.', '903172'),
  c('en', 'Your one-time passcode is 41857263', '41857263'),
  c('en', 'Use 6623 to sign in. Never share this code.', '6623'),
  c('en', "Your login code: AB12CD. It's valid for 15 minutes.", 'AB12CD'),
  c('en', 'Here is your code: K9X2M7', 'K9X2M7'),
  c('en', 'A7K9P2 is your Nimbus verification code.', 'A7K9P2'),
  c('en', 'Your confirmation code is 4501-9923', '45019923'),
  c('en', 'Code: 120 884 — enter it in the app to continue.', '120884'),
  c('en', 'Your code is 0042. Do not share it.', '0042'),
  c('en', 'Your code is 2019. Do not share it.', '2019'),
  c('en', '482913', '482913'),
  c('en', 'Your Acme code is 5519. Order #778812 ships tomorrow.', '5519'),
  c(
    'en',
    "Payment of $1,299.00 to Store authorized. Your OTP is 662104. Call 1-800-555-0199 if this wasn't you.",
    '662104',
  ),
  c('en', 'Your booking BK48213 is confirmed for 17/06/2025 at 14:30. Verification code: 3390', '3390'),
  c('en', "Your PIN is 7281. Don't share it.", '7281'),
  c('en', 'Welcome to Example! Your code 581 204 expires in 5 min.', '581204'),
  c(
    'en',
    'Enter 314159 on the sign-up page to finish creating your Example account. This code expires at 18:45.',
    '314159',
  ),
  c('en', 'Your OTP:482913', '482913'),
  c('en', 'Your code: 48213. Ref: 99812345', '48213'),
  c('en', 'Your code is 4821. If you did not request it, call 14045.', '4821'),
  c(
    'en',
    'Your OTP for txn of INR 5,000.00 at AMAZON on card XX1234 is 482913. Valid for 10 mins. Do not share.',
    '482913',
  ),
  c('en', 'Dear customer, OTP 519270 for login. Do not share. Helpline 1800-123-4567', '519270'),
  c('en', 'Your Zenith sign-in code is 2207.\n\n@zenith.example #2207', '2207'),
];

/** Other languages, read without a platform. */
export const WORLD_CASES: CorpusCase[] = [
  c('ru', 'Ваш код подтверждения: 5931. Никому его не сообщайте.', '5931'),
  c('ru', '8302 — ваш код для входа в Кинопоиск. Не сообщайте его никому.', '8302'),
  c('ru', 'Код: 44170. Если вы не запрашивали код, позвоните 8 800 555 35 35', '44170'),
  c('ru', 'Ваш код: X7K9P2. Он действует 10 минут.', 'X7K9P2'),
  c('ru', 'Оплата 1500 руб. в магазине «Ромашка». Код подтверждения: 4820', '4820'),
  c('uk', 'Ваш код підтвердження: 6120. Нікому не повідомляйте його.', '6120'),
  c('id', 'Kode OTP Anda: 902817. Berlaku 5 menit. Jangan berikan kode ini kepada siapa pun.', '902817'),
  c('id', 'Transaksi Rp 250.000 di Tokoku. Kode OTP: 381924. RAHASIAKAN kode ini.', '381924'),
  c('id', 'Kode verifikasi Anda 6672. Butuh bantuan? Hubungi 1500-888 atau 0812-3456-7890.', '6672'),
  c('ms', 'Kod pengesahan anda ialah 55120. Jangan kongsi kod ini.', '55120'),
  c('es', 'Tu código de verificación es 730219. Válido por 10 minutos.', '730219'),
  c('es', 'Tu clave de acceso es 4471. No la compartas con nadie.', '4471'),
  c('es', 'Compra por $12.990 en Tienda Sol. Tu código es 7741.', '7741'),
  c('pt', 'Seu código de verificação é 620184. Não compartilhe com ninguém.', '620184'),
  c('pt', 'Seu código de acesso: QF7T2M', 'QF7T2M'),
  c('vi', 'Mã xác thực của bạn là 482019. Mã có hiệu lực trong 5 phút.', '482019'),
  c('vi', 'Ma OTP cua ban la 731902. Vui long khong chia se ma nay.', '731902'),
  c('vi', 'Giao dịch 1.500.000 VND tại ABC. Mã OTP: 481920. Không chia sẻ mã này.', '481920'),
  c('th', 'รหัส OTP ของคุณคือ 639204 (Ref: KQWZ) ใช้ได้ภายใน 5 นาที', '639204'),
  c('zh', '【美团】您的验证码是739104，请在5分钟内完成验证，切勿告知他人。', '739104'),
  c('zh-TW', '【蝦皮】您的驗證碼為 482301，10分鐘內有效。', '482301'),
  c('ar', 'رمز التحقق الخاص بك هو 582103. لا تشاركه مع أي شخص.', '582103'),
  c('ar', 'رمز التحقق: ٤٨٢٩١٣', '482913'),
  c('fa', 'کد تایید شما: ۷۳۰۲۱۴', '730214'),
  c('tr', 'Doğrulama kodunuz: 738201. Bu kodu kimseyle paylaşmayın. B002', '738201'),
  c('hi', 'आपका OTP 482017 है। इसे किसी के साथ साझा न करें।', '482017'),
  c('hi', 'सत्यापन कोड 5521 है। यह 10 मिनट के लिए मान्य है।', '5521'),
  c('ja', '認証コード：820194\nこのコードは10分間有効です。', '820194'),
  c('ja', '【Example】認証コード：１２３４５６', '123456'),
  c('ko', '[Web발신] 인증번호 [730921]을 입력해주세요.', '730921'),
  c('de', 'Ihr Bestätigungscode lautet 482190. Geben Sie ihn niemals weiter.', '482190'),
  c('fr', 'Votre code de vérification est 302918. Il expire dans 10 minutes.', '302918'),
  c('it', 'Il tuo codice di verifica è 771204.', '771204'),
  c('pl', 'Twój kod weryfikacyjny to 4402. Nie udostępniaj go nikomu.', '4402'),
  c('he', 'קוד האימות שלך הוא 318204', '318204'),
  c('el', 'Ο κωδικός επαλήθευσης είναι 602918', '602918'),
];

/** No code at all, or only phone numbers, dates, times, amounts, links and order numbers. */
export const NO_CODE_CASES: CorpusCase[] = [
  c('en', "Your account was logged in from a new device. If this wasn't you, reset your password.", null),
  c('en', 'Your package has been delivered. Thank you for shopping with us!', null),
  c('en', "Call us at 8 800 555 35 35 — we're open 24/7.", null),
  c('en', 'Need help? Contact +62 812-3456-7890 or +1 (650) 253-0000.', null),
  c('en', 'Your appointment is on 2025-06-17 at 14:30.', null),
  c('en', 'Reminder: payment due 17.06.2025. Amount: Rp 150.000.', null),
  c('en', 'Your balance is $12.99. Top up at example.com/topup', null),
  c('ru', 'Списание 1,500 RUB. Баланс: 12 340,50 RUB', null),
  c('en', 'Order #4820193 has shipped. Track it at https://track.example.com/4820193', null),
  c('en', 'Thanks for your order 58213 placed on 17/06. Total: €45.90', null),
  c('en', 'Happy New Year 2025 from all of us at Example!', null),
  c('en', 'Your card ending in 4821 was charged ₹2,999.00 on 17-Jun.', null),
  c('en', 'Reply STOP to 78123 to unsubscribe.', null),
  c('ru', 'Ваш заказ №58213 доставлен. Спасибо за покупку!', null),
  c('id', 'Pesanan 771203 sedang dikirim. Cek status di tokoku.id/p/771203', null),
  c('id', 'Pembayaran Rp 75.000 berhasil pada 17/06/2025 pukul 09:15 WIB.', null),
  c('es', 'Su pedido 48213 fue enviado el 17/06.', null),
  c('pt', 'Seu saldo é R$ 1.250,00. Ligue 0800 123 4567 para ajuda.', null),
  c('zh', '您的订单 2038417 已发货，预计6月17日送达。', null),
  c('en', 'Your flight SQ 322 departs 17 Jun 2025 at 09:45 from gate B12.', null),
  c('en', 'Meeting moved to 3:30 PM. Call me at (415) 555-0132.', null),
  c('en', 'We noticed a new sign-in to your account from Chrome on Windows.', null),
  c('en', 'Your verification was successful. No further action is needed.', null),
  c('en', 'Visit https://example.com/verify?token=482913 to confirm your email.', null),
  c('en', 'Your code has expired. Request a new one in the app.', null),
  c('en', 'Transfer of 5000 THB to account 1234567890 completed.', null),
  c('ru', 'Доставка 17.06 с 10:00 до 14:00. Курьер: +7 (912) 345-67-89', null),
  c('id', 'Tagihan Anda Rp 125.000 jatuh tempo 20/06/2025.', null),
  c('en', 'You spent 2,450 points on 17/06/2025.', null),
  c('th', 'ยอดเงินคงเหลือ 12,500.00 บาท ณ วันที่ 17/06/2568', null),
  c('en', '© 2025 Example Inc. All rights reserved.', null),
  c('en', 'Promo: 50% off until 30.06! Shop at example.com/sale2025', null),
  c('vi', 'Tài khoản 0123456789 +1.500.000đ lúc 09:30 17/06/2025. Số dư 2.350.000đ', null),
  c('ar', 'تم خصم 150 ريال من بطاقتك في 17/06/2025', null),
];

/** The provider's own reading wins; colons are stripped from it. */
export const PROVIDER_CASES: CorpusCase[] = [
  c('en', 'Your code is 111111', '222222', { providerCode: '222222' }),
  c('en', 'Your code is 123456', '123456', { providerCode: '12:34:56' }),
  c('en', 'Your code is 480213', '7731', { providerCode: '  7731 ' }),
  c('en', 'Your code is 480213', '480213', { providerCode: ':' }),
  c('en', 'Your code is 480213', '480213', { providerCode: '' }),
  c('en', 'Your code is 480213', '480213', { providerCode: '   ' }),
  c('en', 'Your account was logged in from a new device', null, { providerCode: null }),
  c('en', 'No code in this text', 'AB12', { providerCode: 'AB:12' }),
  c('en', 'G-300912 is your Google verification code.', '300912', {
    platform: 'google',
    providerCode: ': :',
  }),
];

/** Unknown or odd platform slugs fall back to the generic reading. */
export const ODD_PLATFORM_CASES: CorpusCase[] = [
  c('en', 'Your verification code is 661204.', '661204', { platform: 'constructor' }),
  c('en', 'Your verification code is 661204.', '661204', { platform: '__proto__' }),
  c('en', 'Your verification code is 661204.', '661204', { platform: '  WhatsApp ' }),
  c('en', 'Your Uber code: 1234. Your trip cost $5612.', '1234', { platform: 'uber' }),
];

export const CORPUS: CorpusCase[] = [
  ...PLATFORM_CASES,
  ...HOUSE_STYLE_CASES,
  ...ENGLISH_CASES,
  ...WORLD_CASES,
  ...NO_CODE_CASES,
  ...PROVIDER_CASES,
  ...ODD_PLATFORM_CASES,
];
