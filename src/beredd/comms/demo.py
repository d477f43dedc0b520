"""Demo data: Gävle's message bank with two prepared messages from seed 001's advice (power cut, heat wave).

The Swedish texts build on Socialstyrelsen's advice summarised in seed 001 ("Elavbrott": medical devices may stop,
medicines that must be kept cold, indoor temperature; "Värmebölja": people cared for at home are more exposed than
in hospital; indoor heat, cooling, getting out). The other languages are DEMO TRANSLATIONS (marked so in the data
and on every page): a kommun must have them translated and checked before real use.
"""

from __future__ import annotations

from beredd.accounts.demo import DemoContext
from beredd.comms.models import BankMessage, BankVersion
from beredd.comms.services import bank

POWER_CUT = {
    "sv": (
        "Strömavbrott – information till dig med hemtjänst",
        "Det är strömavbrott i {plats}. Elbolaget räknar med att strömmen är tillbaka {tid}.\n\n"
        "Hemtjänsten besöker dig som vanligt. Vi ringer dig om besöket blir försenat.\n\n"
        "Har du utrustning som behöver el, till exempel syrgas, andningshjälp eller en lyftanordning: kontrollera "
        "batteriet och ring oss direkt om det tar slut.\n\n"
        "Öppna inte kylskåp och frys i onödan. Läkemedel som ska förvaras kallt: fråga oss vad du ska göra.\n\n"
        "Tänd inte levande ljus nära textilier. Klä dig varmt om det blir kallt inne.\n\n"
        "Frågor eller behov av hjälp: ring hemtjänsten på {telefon}. Vid fara för liv: ring 112.",
    ),
    "sv-easy": (
        "Strömmen är borta",
        "Strömmen är borta i {plats}.\nStrömmen kommer tillbaka {tid}.\n\n"
        "Hemtjänsten kommer till dig som vanligt.\n\n"
        "Har du en maskin som behöver el?\nTitta på batteriet.\nRing oss om batteriet tar slut.\n\n"
        "Öppna inte kylskåpet i onödan.\n\nRing hemtjänsten: {telefon}.\nOm det är fara: ring 112.",
    ),
    "en": (
        "Power cut – information for you who receive home care",
        "There is a power cut in {plats}. The power company expects power to be back {tid}.\n\n"
        "Home care will visit you as usual. We will call you if a visit is delayed.\n\n"
        "If you use equipment that needs electricity, such as oxygen, breathing support or a lift: check the "
        "battery and call us at once if it runs low.\n\n"
        "Do not open the fridge or freezer unless you need to. Medicines that must be kept cold: ask us what to do.\n\n"
        "Questions or need help: call home care on {telefon}. If life is in danger: call 112.",
    ),
    "ar": (
        "انقطاع الكهرباء – معلومات لك إذا كنت تتلقى خدمة الرعاية المنزلية",
        "يوجد انقطاع في الكهرباء في {plats}. تتوقع شركة الكهرباء عودة التيار {tid}.\n\n"
        "ستزورك خدمة الرعاية المنزلية كالمعتاد. سنتصل بك إذا تأخرت الزيارة.\n\n"
        "إذا كنت تستخدم جهازاً يحتاج إلى الكهرباء: تحقق من البطارية واتصل بنا فوراً إذا نفدت.\n\n"
        "للأسئلة أو المساعدة: اتصل بالرعاية المنزلية على {telefon}. في حالة الخطر على الحياة: اتصل بـ 112.",
    ),
    "so": (
        "Koronto la'aan – macluumaad adiga oo hela daryeelka guriga",
        "Koronto ayaa ka maqan {plats}. Shirkadda korontadu waxay filaysaa in korontadu soo noqoto {tid}.\n\n"
        "Daryeelka guriga ayaa kuu imaan doona sidii caadiga ahayd. Waan ku soo wacaynaa haddii booqashadu dib u dhacdo.\n\n"
        "Haddii aad isticmaasho qalab u baahan koronto: hubi baytariga oo isla markiiba na soo wac haddii uu dhammaado.\n\n"
        "Su'aalo ama caawimaad: wac daryeelka guriga {telefon}. Haddii nolol khatar ku jirto: wac 112.",
    ),
    "fi": (
        "Sähkökatko – tietoa kotihoidon asiakkaalle",
        "Alueella {plats} on sähkökatko. Sähköyhtiö arvioi, että sähköt palaavat {tid}.\n\n"
        "Kotihoito käy luonasi normaalisti. Soitamme sinulle, jos käynti viivästyy.\n\n"
        "Jos käytät sähköä tarvitsevaa laitetta, kuten happilaitetta tai nostolaitetta: tarkista akku ja soita "
        "meille heti, jos se on loppumassa.\n\n"
        "Kysymykset tai avun tarve: soita kotihoitoon {telefon}. Hengenvaarassa: soita 112.",
    ),
    "ti": (
        "ምቁራጽ ኤሌክትሪክ – ሓበሬታ ንዓኻ ኣገልግሎት ክንክን ገዛ እትረክብ",
        "ኣብ {plats} ኤሌክትሪክ ተቛሪጹ ኣሎ። ትካል ኤሌክትሪክ {tid} ክምለስ ይጽበ።\n\n"
        "ክንክን ገዛ ከም ልሙድ ክበጽሓካ እዩ። እንተደንጕዩ ክንድውለልካ ኢና።\n\n"
        "ኤሌክትሪክ ዘድልዮ መሳርሒ እንተለካ: ባተሪ ፈትሽ፣ እንተተወዲኡ ብቕልጡፍ ደውለልና።\n\n"
        "ሕቶ ወይ ሓገዝ: ንክንክን ገዛ ደውል {telefon}። ሓደጋ ህይወት እንተሎ: 112 ደውል።",
    ),
}

HEAT_WAVE = {
    "sv": (
        "Värmebölja – så skyddar du dig mot värmen",
        "SMHI varnar för höga temperaturer i {plats} från {tid}.\n\n"
        "Den som vårdas hemma kan bli mer utsatt för värme än den som vårdas på sjukhus. Drick vatten regelbundet, "
        "även om du inte är törstig. Håll gardiner och fönster stängda på dagen och vädra när det är svalt.\n\n"
        "Vissa läkemedel påverkar hur kroppen klarar värme. Sluta aldrig ta ett läkemedel på egen hand: fråga "
        "sjuksköterskan.\n\n"
        "Känner du dig yr, förvirrad eller mycket trött: ring hemtjänsten på {telefon}. Vid fara för liv: ring 112.",
    ),
    "sv-easy": (
        "Det blir mycket varmt",
        "Det blir mycket varmt i {plats} från {tid}.\n\n"
        "Drick vatten ofta.\nHa gardinerna stängda på dagen.\nÖppna fönstret när det är svalt ute.\n\n"
        "Känner du dig yr eller trött?\nRing hemtjänsten: {telefon}.\nOm det är fara: ring 112.",
    ),
    "en": (
        "Heat wave – how to protect yourself from the heat",
        "SMHI warns of high temperatures in {plats} from {tid}.\n\n"
        "Drink water regularly, even if you are not thirsty. Keep curtains and windows closed during the day and "
        "air the room when it is cool.\n\n"
        "Some medicines affect how the body copes with heat. Never stop a medicine on your own: ask the nurse.\n\n"
        "If you feel dizzy, confused or very tired: call home care on {telefon}. If life is in danger: call 112.",
    ),
    "ar": (
        "موجة حر – كيف تحمي نفسك من الحرارة",
        "يحذر SMHI من درجات حرارة مرتفعة في {plats} ابتداءً من {tid}.\n\n"
        "اشرب الماء بانتظام حتى لو لم تكن عطشان. أبقِ الستائر والنوافذ مغلقة أثناء النهار.\n\n"
        "إذا شعرت بالدوار أو التعب الشديد: اتصل بالرعاية المنزلية على {telefon}. في حالة الخطر على الحياة: اتصل بـ 112.",
    ),
    "so": (
        "Kulayl xad dhaaf ah – sida aad isaga ilaalin karto kulaylka",
        "SMHI waxay ka digaysaa heerkul sare oo ka jira {plats} laga bilaabo {tid}.\n\n"
        "Biyo cab si joogto ah, xitaa haddii aadan harraadsanayn. Daahyada iyo daaqadaha xir maalintii.\n\n"
        "Haddii aad dareento dawakhaad ama daal badan: wac daryeelka guriga {telefon}. Haddii nolol khatar ku jirto: wac 112.",
    ),
    "fi": (
        "Helleaalto – näin suojaudut kuumuudelta",
        "SMHI varoittaa korkeista lämpötiloista alueella {plats} alkaen {tid}.\n\n"
        "Juo vettä säännöllisesti, vaikka et olisi janoinen. Pidä verhot ja ikkunat kiinni päivällä.\n\n"
        "Jos sinua huimaa tai olet hyvin väsynyt: soita kotihoitoon {telefon}. Hengenvaarassa: soita 112.",
    ),
    "ti": (
        "ማዕበል ሙቐት – ካብ ሙቐት ከመይ ትከላኸል",
        "SMHI ኣብ {plats} ካብ {tid} ልዑል ሙቐት ከም ዝህሉ የጠንቅቕ።\n\n"
        "ጽምኢ እንተዘይተሰምዓካ እውን ብስሩዕ ማይ ስተ። ብመዓልቲ መጋረጃታትን መሳኹትን ዕጸው።\n\n"
        "ዓዘርዘር ወይ ብርቱዕ ድኻም እንተተሰሚዑካ: ንክንክን ገዛ ደውል {telefon}። ሓደጋ ህይወት እንተሎ: 112 ደውል።",
    ),
}

MESSAGES = [
    ("Strömavbrott – information till dig med hemtjänst", "power_cut", "home_care", POWER_CUT),
    ("Värmebölja – råd till dig med hemtjänst", "heat_wave", "home_care", HEAT_WAVE),
]


def load(ctx: DemoContext) -> None:
    """Idempotent: each message is created once, with every language drafted, reviewed and approved."""
    gavle = next(k for k in ctx.kommuner if k.code == "2180")
    author, communications, mas = ctx.users["mas"], ctx.users["coordinator"], ctx.users["mas"]
    for title, scenario, audience, texts in MESSAGES:
        if BankMessage.objects.filter(organisation=gavle, title=title).exists():
            continue
        item = bank.bank_create(actor=author, organisation=gavle, title=title, scenario=scenario, audience=audience, via="demo")
        for language, (subject, body) in texts.items():
            v = bank.version_create(
                actor=author,
                bank_message=item,
                language=language,
                subject=subject,
                body=body,
                is_demo_translation=language not in {"sv", "sv-easy"},
                via="demo",
            )
            bank.version_review(actor=communications, version=v, via="demo")
            # Written by the MAS, reviewed by communications (the coordinator), approved by the MAS: two people.
            bank.version_approve(actor=mas, version=BankVersion.objects.get(pk=v.pk), via="demo")
