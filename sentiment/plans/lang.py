"""The monitoring-plan rule language: tokenizer, recursive-descent parser and syntax tree.

Grammar (operators are case-sensitive upper-case words so that English keywords stay usable)::

    rule    := or
    or      := and (("OR" | "|" | "||") and)*
    and     := unary (("AND" | "&&" | "&" | "+")? unary)*     -- juxtaposition is AND
    unary   := ("NOT" | "!" | "-") unary | primary            -- "A -B" reads as A AND NOT B
    primary := "(" or ")" | near | FIELD ":" primary | TERM
    near    := "NEAR" ["/" NUMBER] "(" TERM ("," TERM)+ ")"  -- all terms within NUMBER characters
    TERM    := bare word | "quoted phrase" | “全角引号”

Fields: ``title``/``标题``, ``body``/``正文`` (text scope) and ``author_type``/``作者类型``,
``platform``/``平台`` (exact value). Full-width punctuation （）“”：，｜！ is accepted.
Errors raise :class:`PlanSyntaxError` with a Chinese message and the 1-based column. Limits keep hostile or
machine-made rules from exhausting the parser: at most ``MAX_RULE_CHARS`` characters and ``MAX_DEPTH`` levels of
brackets and negations (the parser recurses once per level).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

DEFAULT_NEAR_DISTANCE = 10
MAX_RULE_CHARS = 20_000
MAX_DEPTH = 64
TEXT_FIELDS = {"title": "title", "标题": "title", "body": "body", "正文": "body", "text": "body"}
VALUE_FIELDS = {"author_type": "author_type", "作者类型": "author_type", "platform": "platform", "平台": "platform"}
FIELD_NAMES = "title、body、author_type、platform（或 标题、正文、作者类型、平台）"

_FULLWIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "｜": "|", "！": "!", "＋": "+", "－": "-"})
_QUOTES = {'"': '"', "“": "”", "”": "”", "'": "'", "‘": "’", "「": "」", "『": "』"}
_SPECIAL = set('()":,|&+!') | set(_QUOTES)


class PlanSyntaxError(ValueError):
    """A rule that does not parse; ``column`` is 1-based and counts characters (a 汉字 is one)."""

    def __init__(self, message: str, column: int, rule: str) -> None:
        self.message = message
        self.column = column
        self.rule = rule
        super().__init__(f"监测规则第 {column} 列：{message}")

    def pointer(self) -> str:
        """The rule with a caret under the offending column, for multi-line display."""
        return f"{self.rule}\n{' ' * (self.column - 1)}^"


@dataclass(frozen=True)
class Term:
    text: str
    field: str | None = None  # None: title or body


@dataclass(frozen=True)
class FieldEquals:
    field: str
    value: str


@dataclass(frozen=True)
class Near:
    distance: int
    terms: tuple[str, ...]
    field: str | None = None


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: object


Node = Term | FieldEquals | Near | And | Or | Not


@dataclass(frozen=True)
class Token:
    kind: str  # TERM LPAREN RPAREN COMMA AND OR NOT NEAR FIELD EOF
    value: str
    column: int


def fold(text: str) -> str:
    """Case- and width-fold text the same way for rules and posts."""
    return unicodedata.normalize("NFKC", text).lower()


def tokenize(rule: str) -> list[Token]:
    tokens: list[Token] = []
    src = rule.translate(_FULLWIDTH)
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        col = i + 1
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(Token("LPAREN", ch, col)); i += 1
        elif ch == ")":
            tokens.append(Token("RPAREN", ch, col)); i += 1
        elif ch == ",":
            tokens.append(Token("COMMA", ch, col)); i += 1
        elif ch == "|":
            i += 2 if src.startswith("||", i) else 1
            tokens.append(Token("OR", "|", col))
        elif ch in "&+":
            i += 2 if src.startswith("&&", i) else 1
            tokens.append(Token("AND", ch, col))
        elif ch in "!-":
            tokens.append(Token("NOT", ch, col)); i += 1
        elif ch == ":":
            raise PlanSyntaxError("冒号前缺少字段名，可用字段：" + FIELD_NAMES, col, rule)
        elif ch in _QUOTES:
            close = _QUOTES[ch]
            end = src.find(close, i + 1)
            if end < 0:
                raise PlanSyntaxError(f"引号 {ch} 没有闭合", col, rule)
            phrase = src[i + 1:end].strip()
            if not phrase:
                raise PlanSyntaxError("引号中没有内容", col, rule)
            tokens.append(Token("TERM", phrase, col))
            i = end + 1
        else:
            j = i
            while j < n and not src[j].isspace() and src[j] not in _SPECIAL:
                j += 1
            word = src[i:j]
            i = j
            if word == "AND":
                tokens.append(Token("AND", word, col))
            elif word == "OR":
                tokens.append(Token("OR", word, col))
            elif word == "NOT":
                tokens.append(Token("NOT", word, col))
            elif word == "NEAR" or word.startswith("NEAR/"):
                tokens.append(Token("NEAR", word, col))
            elif i < n and src[i] == ":":
                if word not in TEXT_FIELDS and word not in VALUE_FIELDS:
                    raise PlanSyntaxError(f"未知的字段 “{word}”，可用字段：{FIELD_NAMES}", col, rule)
                tokens.append(Token("FIELD", word, col))
                i += 1
            else:
                tokens.append(Token("TERM", word, col))
    tokens.append(Token("EOF", "", len(rule) + 1))
    return tokens


class _Parser:
    def __init__(self, rule: str) -> None:
        self.rule = rule
        self.tokens = tokenize(rule)
        self.pos = 0
        self.depth = 0

    def deeper(self, token: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"括号或排除条件嵌套超过 {MAX_DEPTH} 层，请简化规则", token)

    def error(self, message: str, token: Token | None = None) -> PlanSyntaxError:
        return PlanSyntaxError(message, (token or self.peek()).column, self.rule)

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node:
        if self.peek().kind == "EOF":
            raise self.error("规则为空，请至少写一个关键词")
        node = self.parse_or(None)
        token = self.peek()
        if token.kind == "RPAREN":
            raise self.error("多余的右括号 “)”", token)
        if token.kind != "EOF":
            raise self.error(f"无法理解的 “{token.value}”", token)
        if isinstance(node, Not):
            raise PlanSyntaxError("规则不能只有排除条件，请加上要监测的关键词", 1, self.rule)
        return node

    def parse_or(self, field: str | None) -> Node:
        items = [self.parse_and(field)]
        while self.peek().kind == "OR":
            op = self.take()
            self.expect_operand(op)
            items.append(self.parse_and(field))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def parse_and(self, field: str | None) -> Node:
        items = [self.parse_unary(field)]
        while True:
            token = self.peek()
            if token.kind == "AND":
                self.take()
                self.expect_operand(token)
            elif token.kind not in ("TERM", "LPAREN", "NOT", "NEAR", "FIELD"):
                break
            items.append(self.parse_unary(field))
        return items[0] if len(items) == 1 else And(tuple(items))

    def expect_operand(self, op: Token) -> None:
        nxt = self.peek()
        if nxt.kind in ("EOF", "RPAREN", "OR", "AND", "COMMA"):
            raise self.error(f"运算符 “{op.value}” 后面缺少关键词", nxt)

    def parse_unary(self, field: str | None) -> Node:
        token = self.peek()
        if token.kind == "NOT":
            self.take()
            self.expect_operand(token)
            self.deeper(token)
            node = Not(self.parse_unary(field))
            self.depth -= 1
            return node
        return self.parse_primary(field)

    def parse_primary(self, field: str | None) -> Node:
        token = self.take()
        if token.kind == "TERM":
            return self.make_term(token.value, field)
        if token.kind == "LPAREN":
            if self.peek().kind == "RPAREN":
                raise self.error("括号中没有内容", self.peek())
            self.deeper(token)
            node = self.parse_or(field)
            if self.peek().kind != "RPAREN":
                raise self.error(f"缺少与第 {token.column} 列左括号配对的右括号 “)”", self.peek())
            self.take()
            self.depth -= 1
            return node
        if token.kind == "FIELD":
            if field is not None:
                raise self.error("字段限定不能嵌套", token)
            nxt = self.peek()
            if nxt.kind not in ("TERM", "LPAREN", "NEAR"):
                raise self.error(f"字段 “{token.value}:” 后面缺少关键词", nxt)
            return self.parse_primary(TEXT_FIELDS.get(token.value) or VALUE_FIELDS[token.value])
        if token.kind == "NEAR":
            return self.parse_near(token, field)
        if token.kind == "EOF":
            raise self.error("规则不完整，末尾缺少关键词", token)
        if token.kind == "RPAREN":
            raise self.error("多余的右括号 “)”", token)
        raise self.error(f"此处应为关键词，实际为 “{token.value}”", token)

    def make_term(self, text: str, field: str | None) -> Node:
        folded = fold(text)
        if field in ("author_type", "platform"):
            return FieldEquals(field, folded)
        return Term(folded, field)

    def parse_near(self, token: Token, field: str | None) -> Node:
        if field in ("author_type", "platform"):
            raise self.error("NEAR 只能用于标题或正文", token)
        distance = DEFAULT_NEAR_DISTANCE
        if token.value != "NEAR":
            raw = token.value[len("NEAR/"):]
            if not raw.isdigit() or int(raw) <= 0:
                raise self.error("NEAR/ 后应为正整数（字符数），例如 NEAR/5(派出所, 打人)", token)
            distance = int(raw)
        if self.peek().kind != "LPAREN":
            raise self.error("NEAR 后应为括号，例如 NEAR/5(派出所, 打人)", self.peek())
        opening = self.take()
        terms: list[str] = []
        while True:
            nxt = self.take()
            if nxt.kind != "TERM":
                raise self.error("NEAR 的括号里只能写以逗号分隔的关键词", nxt)
            terms.append(fold(nxt.value))
            sep = self.take()
            if sep.kind == "COMMA":
                continue
            if sep.kind == "RPAREN":
                break
            if sep.kind == "EOF":
                raise self.error(f"缺少与第 {opening.column} 列左括号配对的右括号 “)”", sep)
            raise self.error("NEAR 的关键词之间应以逗号分隔", sep)
        if len(terms) < 2:
            raise self.error("NEAR 至少需要两个关键词", opening)
        return Near(distance, tuple(terms), field)


def parse_rule(rule: str) -> Node:
    """Parse a rule into a syntax tree; raises PlanSyntaxError pointing at the column."""
    if not isinstance(rule, str):
        raise PlanSyntaxError("规则应为文本", 1, str(rule)[:200])
    if len(rule) > MAX_RULE_CHARS:
        raise PlanSyntaxError(f"规则长度 {len(rule)} 个字符，超过上限 {MAX_RULE_CHARS}，请拆分为多个方案",
                              1, rule[:200])
    return _Parser(rule).parse()
