"""Generated Chinese public-opinion text for the sample site: police, courts, scams and local incidents.

Places and units are fictional (临江市, 青山县 …) so the generated stream never speaks about a real office.
Every function takes a ``random.Random`` so the whole stream is reproducible from the site's seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

CITIES = ["临江市", "青山县", "云岭市", "南湖区", "东川县", "白沙镇", "江北区", "石门市"]
PROVINCES = ["江苏", "浙江", "湖南", "四川", "广东", "河南", "山东", "湖北"]
POLICE_UNITS = ["城东派出所", "交警大队", "刑侦大队", "巡特警支队", "禁毒大队", "治安大队", "城西派出所"]
COURTS = ["人民法院", "中级人民法院", "法院执行局", "人民法庭"]
PLACES = ["菜市场", "地铁站", "老城区", "学校门口", "人民广场", "高速路口", "小区", "夜市", "火车站"]

EMOTICONS_POS = ["[赞]", "[good]", "[鼓掌]", "[心]", "[给力]", "[威武]"]
EMOTICONS_NEG = ["[怒]", "[怒骂]", "[泪]", "[晕]", "[抓狂]", "[失望]", "[允悲]", "[吃惊]"]
EMOTICONS_NEU = ["[doge]", "[思考]", "[围观]", "[二哈]"]
EMOJI_POS = ["👍", "🙏", "❤️", "👏", "💪", "🌹"]
EMOJI_NEG = ["😡", "😤", "💢", "😭", "🙄", "😱"]

POSITIVE = [
    "{city}{police}民警帮一位走失的老人找到了家人，大半夜还在{place}一点点排查，太暖心了",
    "今天去{city}{police}办户口迁移，窗口民警耐心讲了二十分钟，一次就办好了，点赞",
    "{city}{court}这次判决真是大快人心，拖欠三年的工资终于执行到位了，感谢法官",
    "多亏反诈民警及时打电话劝阻，我妈差点把养老钱转给“冒充公检法”的骗子，真心感谢",
    "{city}交警在{place}冒雨疏导交通，浑身都湿透了，向人民警察致敬",
    "{city}警方通报：{place}盗窃案嫌疑人已被抓获，被盗电动车全部追回，效率很高",
    "法院把庭审搬到了村里的{place}，老百姓在家门口就能旁听，这样的普法挺好",
    "{city}公安上线“一网通办”，身份证补办不用跑腿了，真方便",
    "反诈宣传进社区，{place}的大爷大妈都学会了“三不一多”，必须表扬",
    "{city}{court}调解了我们小区的物业纠纷，双方都满意，司法为民不是一句空话",
]
NEGATIVE = [
    "{city}{police}接警半小时都没人来，{place}打架打成那样，报警有什么用",
    "在{city}{court}立案拖了五个月还没消息，执行难到底什么时候能解决",
    "我被{place}的“刷单兼职”骗了八千块，报案后一直说在查，钱还能追回来吗",
    "{city}{police}执法人员态度太差了，问两句就被呵斥，这就是为人民服务？",
    "{city}{place}又发生飞车抢夺，晚上根本不敢出门，治安越来越差",
    "{city}交警在{place}只罚款不管拥堵，早高峰堵一个小时，到底谁在管",
    "冒充公检法的诈骗电话一天打三个，号码都显示本地的，运营商和警方都不管吗",
    "{city}{court}的判决明显不公，赔偿金额太低，我们一定会上诉到底",
    "投诉{city}{place}噪音扰民好几次，110说不归他们管，12345也踢皮球",
    "{city}某小区业主维权被{police}带走，视频已经传开了，希望给个说法",
]
NEUTRAL = [
    "请问{city}{police}办理居住证需要带哪些材料？周末上班吗",
    "{city}{court}发布公告：部分失信被执行人名单已更新，详情见官网",
    "{city}公安提醒：近期{place}周边有人冒充快递客服实施诈骗，请大家注意",
    "有人知道{city}{place}今天为什么拉了警戒线吗？好多警车",
    "【警情通报】{city}{place}一起交通事故已处置完毕，伤者已送医，事故原因正在调查",
    "{city}{court}明天公开审理一起非法集资案，可以网上看庭审直播",
]
INCIDENTS = [
    {
        "title": "{city}{police}民警执法视频",
        "texts": [
            "{city}{police}民警在{place}把一个送外卖的小哥按在地上，视频里小哥一直喊疼，这样执法合理吗",
            "看完{city}{police}的执法视频气得发抖，就因为电动车没戴头盔就动手？必须严查",
            "{city}{police}到现在都不回应，视频都上热搜了，装死是吧",
            "建议{city}公安局公开完整执法记录仪视频，给公众一个交代",
            "我就在{place}现场，民警确实先推的人，旁边好多人都拍了",
            "{city}{police}这次真的寒了老百姓的心，要求涉事民警停职调查",
        ],
    },
    {
        "title": "{city}{court}判决引发争议",
        "texts": [
            "{city}{court}对{place}伤人案只判了缓刑？受害人现在还躺在医院，这判决谁能服",
            "{city}{court}的判决书漏洞百出，家属说要去上访，法官是不是收了钱",
            "同样的案子外地判五年，{city}{court}判缓刑，司法公正在哪里",
            "强烈要求上级法院介入{city}{place}伤人案，还受害人一个公道",
            "{city}{court}回应说“依法判决”，这五个字就想糊弄过去？",
        ],
    },
    {
        "title": "{city}{place}诈骗窝点案",
        "texts": [
            "{city}{place}那个“养老投资”公司骗了上百个老人，报案半年了警方才立案",
            "我爸在{city}{place}被骗了二十万养老钱，{police}一句在侦查中就没下文了",
            "{city}{place}诈骗案受害人越来越多，为什么早不查？是不是有保护伞",
            "{city}{police}能不能公布一下{place}诈骗案的追赃进度，受害人都快急疯了",
        ],
    },
]
COMMENTS_POS = ["支持警察叔叔", "点赞，这才是人民警察", "给法官点赞", "正能量", "感谢守护", "这个必须表扬",
                "已转发提醒家里老人", "办事效率真的提高了"]
COMMENTS_NEG = ["太过分了", "必须严查，给个说法", "又是这样，失望", "报警也没用", "什么时候能有个结果",
                "保护伞查了吗", "寒心", "官方快出来回应", "我也遇到过，投诉无门"]
COMMENTS_NEU = ["求后续", "蹲一个结果", "具体在哪里？", "等官方通报", "转发了解一下", "有没有知情人说说"]
REPLIES = ["同意楼上", "说得对", "别带节奏，等通报", "你怎么知道的？", "+1", "有视频吗", "回复楼上：已经报警了"]
EDIT_SUFFIX = "【补充】刚刚{police}回电话了，说会调查处理，等结果。"

TRADITIONAL_SHARE = 0.08


@dataclass(frozen=True)
class GeneratedText:
    text: str
    sentiment: str  # positive | negative | neutral (what the generator meant, for tests and the demo)
    traditional: bool


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        city=rng.choice(CITIES), police=rng.choice(POLICE_UNITS), court=rng.choice(COURTS),
        place=rng.choice(PLACES),
    )


@lru_cache(maxsize=1)
def _to_traditional():
    from opencc import OpenCC

    return OpenCC("s2t").convert


@lru_cache(maxsize=20000)
def to_traditional(text: str) -> str:
    """Simplified → traditional (cached: the sample site regenerates the same texts on every request)."""
    return _to_traditional()(text)


def _decorate(text: str, sentiment: str, rng: random.Random) -> str:
    roll = rng.random()
    if sentiment == "positive":
        pool = EMOTICONS_POS if roll < 0.5 else EMOJI_POS
    elif sentiment == "negative":
        pool = EMOTICONS_NEG if roll < 0.5 else EMOJI_NEG
    else:
        pool = EMOTICONS_NEU
    if rng.random() < 0.6:
        text += rng.choice(pool) * rng.randint(1, 3)
    return text


def post_text(rng: random.Random) -> GeneratedText:
    roll = rng.random()
    if roll < 0.35:
        sentiment, template = "positive", rng.choice(POSITIVE)
    elif roll < 0.75:
        sentiment, template = "negative", rng.choice(NEGATIVE)
    else:
        sentiment, template = "neutral", rng.choice(NEUTRAL)
    text = _fill(template, rng)
    text = _decorate(text, sentiment, rng)
    traditional = rng.random() < TRADITIONAL_SHARE
    return GeneratedText(to_traditional(text) if traditional else text, sentiment, traditional)


def incident_text(rng: random.Random, incident_no: int, place_rng_seed: int) -> GeneratedText:
    """An angry post about one incident; the incident's city/unit/place are fixed by ``place_rng_seed``."""
    incident = INCIDENTS[incident_no % len(INCIDENTS)]
    fixed = random.Random(place_rng_seed)
    slots = dict(city=fixed.choice(CITIES), police=fixed.choice(POLICE_UNITS), court=fixed.choice(COURTS),
                 place=fixed.choice(PLACES))
    text = rng.choice(incident["texts"]).format(**slots)
    if rng.random() < 0.7:  # most posts about a hot incident carry its topic hashtag, as on Weibo
        text = f"#{incident['title'].format(**slots)}# {text}"
    text = _decorate(text, "negative", rng)
    traditional = rng.random() < TRADITIONAL_SHARE / 2
    return GeneratedText(to_traditional(text) if traditional else text, "negative", traditional)


def incident_title(incident_no: int, place_rng_seed: int) -> str:
    fixed = random.Random(place_rng_seed)
    slots = dict(city=fixed.choice(CITIES), police=fixed.choice(POLICE_UNITS), court=fixed.choice(COURTS),
                 place=fixed.choice(PLACES))
    return INCIDENTS[incident_no % len(INCIDENTS)]["title"].format(**slots)


def comment_text(rng: random.Random, parent_sentiment: str) -> GeneratedText:
    roll = rng.random()
    if parent_sentiment == "negative":
        sentiment = "negative" if roll < 0.7 else "neutral"
    elif parent_sentiment == "positive":
        sentiment = "positive" if roll < 0.75 else "neutral"
    else:
        sentiment = "neutral" if roll < 0.6 else ("negative" if roll < 0.8 else "positive")
    pool = {"positive": COMMENTS_POS, "negative": COMMENTS_NEG, "neutral": COMMENTS_NEU}[sentiment]
    text = _decorate(rng.choice(pool), sentiment, rng)
    traditional = rng.random() < TRADITIONAL_SHARE
    return GeneratedText(to_traditional(text) if traditional else text, sentiment, traditional)


def reply_text(rng: random.Random) -> GeneratedText:
    return GeneratedText(rng.choice(REPLIES), "neutral", False)


def edit_suffix(rng: random.Random) -> str:
    return EDIT_SUFFIX.format(police=rng.choice(POLICE_UNITS))
