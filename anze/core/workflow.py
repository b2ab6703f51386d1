"""The workflow kernel: one transition table type and one state machine for every stateful object.

Every state machine of the platform — the order (docs/spec/DOMAIN.md §2), the policy's third-party service
(§3), the service record, the hazard and the complaint (§4), and whatever comes next — is a ``Machine``
instance: its model, the field that holds the state, the noun its messages use, who may act on an object
(``owners``) and its table of ``Transition``s. The action functions stay in each app, explicit and
keyword-only (``order_quote(*, order, actor, scheme)``); each one starts with ``machine.begin(…)``, validates
its data, moves the state with ``machine.claim(…)`` and writes its event and notifications, all in one
transaction. Events and notifications belong to the apps; the checks and the state change live only here.

The checks of ``begin`` run in one order, each with its one Chinese refusal:

1. side — the table has the action for the actor's side (else 没有该操作的权限);
2. permission — the actor's roles hold the transition's permission (没有该操作的权限);
3. ownership — the object belongs to the actor's organisation on that side (“{noun}不存在或无权操作”);
4. state — the object is in one of the transition's source states (“{noun}当前状态为“…”，不能{label}”);
5. guard — the transition's own condition on the object (its message).

``claim`` is a conditional ``UPDATE … SET state = target WHERE id = … AND state = <what the caller saw>``:
0 rows means another request moved it first, and the loser is told “该{noun}状态已变化，请刷新后重试”. It works
the same on SQLite (no SELECT … FOR UPDATE) and PostgreSQL. ``claim_many`` is the same move of many objects
(an import's chunk of orders) in one statement per state they were seen in, all or none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone

from anze.core.errors import Refused

NO_PERMISSION = "没有该操作的权限"

M = TypeVar("M", bound=models.Model)


class StaleClaims(Refused):
    """``claim_many`` moved nothing: ``stale`` are the indexes (in the call) of the objects no longer in the
    state the caller saw, or whose ``where`` no longer holds."""

    def __init__(self, message: str, stale: Sequence[int]) -> None:
        super().__init__(message)
        self.stale = list(stale)


# A guard looks at the object (never at its data) and returns the refusal, or None when the action may go on.
Guard = Callable[[Any, "Transition"], "str | None"]


@dataclass(frozen=True)
class Transition:
    """One row of a machine's table: ``action`` by ``side`` with ``permission`` moves ``sources`` → ``target``.

    ``sources`` empty: the action creates its object. ``automatic``: the workflow takes it itself when its
    condition holds (no button). ``needs_reason``: the action is refused without a reason.
    """

    action: str
    label: str
    sources: frozenset[str]
    target: str
    side: str
    permission: str
    needs_reason: bool = False
    guard: Guard | None = field(default=None, compare=False)
    automatic: bool = False

    @property
    def creates(self) -> bool:
        return not self.sources


def transition(
    action: str,
    label: str,
    sources: Iterable[str],
    target: str,
    side: str,
    permission: str,
    *,
    needs_reason: bool = False,
    guard: Guard | None = None,
    automatic: bool = False,
) -> Transition:
    """A table row, written the way the tables read: ``transition("quote", "报价", [S.A], S.B, side, perm)``."""
    return Transition(
        action, label, frozenset(sources), target, side, permission, needs_reason, guard, automatic
    )


def owns(owners: Mapping[str, int | None], user: Any, side: str) -> bool:
    """Whether ``user``'s organisation is the one ``owners`` names for ``side``."""
    org_id = owners.get(side)
    return org_id is not None and org_id == user.organisation_id


def check_owner(owners: Mapping[str, int | None], user: Any, side: str, noun: str) -> None:
    """The ownership refusal of every machine, “{noun}不存在或无权操作”: also for an object no machine moves
    (the inspection a hazard is added to), given who owns it per side."""
    if not owns(owners, user, side):
        raise Refused(f"{noun}不存在或无权操作")


def reason_max_length() -> int:
    """The one length limit of every reason (取消、驳回、拒绝、异议、复查不通过、延期…)."""
    return int(getattr(settings, "WORKFLOW_REASON_MAX_LENGTH", 500))


class Machine(Generic[M]):
    """A state machine over ``model.<state_field>``.

    ``noun`` names the object in messages (订单, 服务记录 …); ``state_noun`` names what has the state when it
    is not the object itself (a policy's 保单安全服务), defaulting to ``noun``. ``owners(obj)`` maps each side
    to the id of the organisation that may act on ``obj`` from that side (None or absent: nobody).
    ``touched`` is a timestamp field ``claim`` sets with every move, if the model has one.
    """

    def __init__(
        self,
        *,
        model: type[M],
        noun: str,
        owners: Callable[[M], Mapping[str, int | None]],
        table: Iterable[Transition],
        state_field: str = "status",
        state_noun: str | None = None,
        touched: str | None = None,
    ) -> None:
        self.model = model
        self.noun = noun
        self.state_noun = state_noun or noun
        self.owners = owners
        self.table: tuple[Transition, ...] = tuple(table)
        self.state_field = state_field
        self.touched = touched
        self._by_key: dict[tuple[str, str], Transition] = {}
        for t in self.table:
            if (t.action, t.side) in self._by_key:
                raise ValueError(f"{model.__name__}: two transitions for ({t.action}, {t.side})")
            self._by_key[(t.action, t.side)] = t
        self.actions: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in self.table))

    def __repr__(self) -> str:
        return f"Machine({self.model.__name__}.{self.state_field})"

    # --- reading the table ------------------------------------------------------------------------------------
    def transition(self, action: str, side: str) -> Transition | None:
        return self._by_key.get((action, side))

    def state_of(self, obj: M) -> str:
        return str(getattr(obj, self.state_field))

    def state_label(self, obj: M) -> str:
        return str(getattr(obj, f"get_{self.state_field}_display")())

    def owns(self, obj: M, user: Any, side: str) -> bool:
        return owns(self.owners(obj), user, side)

    def check_owner(self, obj: M, user: Any, side: str) -> None:
        """Refuse unless ``obj`` belongs to ``user``'s organisation on ``side`` (the third check of ``begin``,
        for an action that also touches an object it does not move, e.g. the draft an application saves, or
        the policy a new service record is added to)."""
        check_owner(self.owners(obj), user, side, self.noun)

    def check_state(self, obj: M, states: Iterable[str], label: str) -> None:
        """Refuse unless ``obj`` is in one of ``states`` (the fourth check of ``begin``; also for an action of
        another machine that needs this one's object in a given state, e.g. a record on a policy in service)."""
        if self.state_of(obj) not in states:
            raise Refused(f"{self.state_noun}当前状态为“{self.state_label(obj)}”，不能{label}")

    # --- the checks -------------------------------------------------------------------------------------------
    def begin(self, action: str, actor: Any, obj: M | None = None) -> Transition:
        """The transition ``actor`` may take now, or ``Refused`` with the first check that fails (see the
        module's docstring for the order). ``obj`` None: the action creates its object."""
        t = self.transition(action, actor.side)
        if t is None or not actor.has_perm_code(t.permission):
            raise Refused(NO_PERMISSION)
        if obj is not None:
            self.check_owner(obj, actor, t.side)
            # An action that creates its object (no sources) is never one on an existing object.
            self.check_state(obj, t.sources, t.label)
            if t.guard is not None and (message := t.guard(obj, t)):
                raise Refused(message)
        return t

    def why_not(self, obj: M, action: str, user: Any) -> str | None:
        """The message ``action`` would be refused with now (before looking at its data), or None: a dialog
        opened on an object that has moved on says so at once instead of after the user filled it in."""
        try:
            t = self.begin(action, user, obj)
        except Refused as exc:
            return exc.message
        return NO_PERMISSION if t.automatic else None

    def can(self, obj: M, action: str, user: Any) -> bool:
        """Whether ``user`` may do ``action`` on ``obj`` now: pages show a button only when this holds."""
        return self.why_not(obj, action, user) is None

    def available_actions(self, obj: M, user: Any) -> list[str]:
        """The actions ``can`` allows. Those without a transition for the user's side, or whose sources lack
        the object's state, are refused by the table alone: skipped without building the refusal and its
        message (a list asks this of every row; the rest go through every check of ``begin``)."""
        side, state = user.side, self.state_of(obj)
        return [
            action
            for action in self.actions
            if (t := self.transition(action, side)) is not None
            and state in t.sources
            and self.can(obj, action, user)
        ]

    def reason(self, value: str | None, t: Transition, *, field: str = "reason") -> str:
        """The reason of ``t``, stripped: required when the transition needs one, never over the limit."""
        value = (value or "").strip()
        if t.needs_reason and not value:
            raise Refused(f"请填写{t.label}的原因", field=field)
        limit = reason_max_length()
        if len(value) > limit:
            raise Refused(f"原因不能超过{limit}个字", field=field)
        return value

    # --- the move ---------------------------------------------------------------------------------------------
    def stale_message(self) -> str:
        return f"该{self.state_noun}状态已变化，请刷新后重试"

    def claim(self, obj: M, t: Transition, *, where: Mapping[str, Any] | None = None, **fields: Any) -> str:
        """Move ``obj`` to ``t.target`` if it is still in the state the caller saw (and ``where`` still holds),
        saving ``fields`` with it; returns the state it came from. Refuses with the stale message otherwise."""
        from_state = self.state_of(obj)
        values = {self.state_field: t.target, **fields}
        if self.touched:
            values[self.touched] = timezone.now()
        rows = self.model._default_manager.filter(
            pk=obj.pk, **{self.state_field: from_state}, **(where or {})
        ).update(**values)
        if rows != 1:
            raise Refused(self.stale_message())
        for name, value in values.items():
            setattr(obj, name, value)
        return from_state

    def claim_many(
        self,
        moves: Sequence[tuple[M, Mapping[str, Any]]],
        t: Transition,
        *,
        where: Mapping[str, Any] | None = None,
    ) -> list[str]:
        """``claim`` of many (object, fields) pairs by one transition: every object moved to ``t.target`` with
        its own fields, if every one is still in the state the caller saw (and ``where`` still holds); returns
        the state each came from. One locking read and one ``UPDATE`` per state the objects were seen in (each
        field that differs between them set through ``CASE id WHEN …``, as ``bulk_update`` writes it). If any one
        has moved on, none is moved: ``StaleClaims`` (the stale message) names them."""
        if not moves:
            return []
        now = timezone.now()
        from_states = [self.state_of(obj) for obj, _fields in moves]
        values = [
            {self.state_field: t.target, **fields, **({self.touched: now} if self.touched else {})}
            for _obj, fields in moves
        ]
        groups: dict[str, list[int]] = {}
        for index, state in enumerate(from_states):
            groups.setdefault(state, []).append(index)
        rows = self.model._default_manager
        with transaction.atomic():
            stale: list[int] = []
            for state, indexes in groups.items():
                pks = [moves[index][0].pk for index in indexes]
                lookups = {"pk__in": pks, self.state_field: state, **(where or {})}
                held = set(rows.select_for_update().filter(**lookups).values_list("pk", flat=True))
                stale += [index for index in indexes if moves[index][0].pk not in held]
            if stale:
                raise StaleClaims(self.stale_message(), sorted(stale))
            for state, indexes in groups.items():
                pks = [moves[index][0].pk for index in indexes]
                lookups = {"pk__in": pks, self.state_field: state, **(where or {})}
                updated = rows.filter(**lookups).update(**self._many_values(moves, values, indexes))
                if updated != len(indexes):  # moved between the read and the update (SQLite locks no rows)
                    raise StaleClaims(self.stale_message(), indexes)
        for (obj, _fields), changes in zip(moves, values, strict=True):
            for name, value in changes.items():
                setattr(obj, name, value)
        return from_states

    def _many_values(
        self, moves: Sequence[tuple[M, Mapping[str, Any]]], values: list[dict[str, Any]], indexes: list[int]
    ) -> dict[str, Any]:
        """The ``update`` of the objects at ``indexes``: a field of one value for all as it is, one of several
        values as ``CASE pk WHEN … THEN … END`` — written out, each value prepared by its field as for a save
        (a related object by its key): Django's ``Case(When(…))`` cost ~1 ms a row to build and compile."""
        names = dict.fromkeys(name for index in indexes for name in values[index])
        pk_column = connection.ops.quote_name(self.model._meta.pk.column)
        update: dict[str, Any] = {}
        for name in names:
            given = [values[index][name] for index in indexes]
            if all(value is given[0] or value == given[0] for value in given):
                update[name] = given[0]
                continue
            model_field = self.model._meta.get_field(name)
            assert isinstance(model_field, models.Field)  # a column of the model (claim's fields are)
            params: list[Any] = []
            for index, value in zip(indexes, given, strict=True):
                if model_field.is_relation and isinstance(value, models.Model):
                    value = value.pk
                params += [moves[index][0].pk, model_field.get_db_prep_save(value, connection)]
            whens = " ".join(["WHEN %s THEN %s"] * len(indexes))
            case: Any = RawSQL(f"CASE {pk_column} {whens} END", params, output_field=model_field)
            if (
                connection.features.requires_casted_case_in_updates
            ):  # PostgreSQL: parameters typed as the column
                case = Cast(case, output_field=model_field)
            update[model_field.attname] = case
        return update
