"""Telling every process of an install that a cache is stale, over Redis pub/sub.

A process that commits a change some in-process cache depends on calls
:func:`broadcast` with the cache's topic (e.g. ``"principals"``); every web worker of
the install runs :func:`listen`, which calls that topic's handler when the message
arrives, and calls every handler when it (re)subscribes (it may have missed messages).
Without Redis (``NOABER_REDIS_URL`` unset) nothing is sent: one process, or the caches'
own short lifetimes, bound what another worker keeps. A failed broadcast is logged and
never undoes the committed change; those lifetimes remain the backstop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

import anyio

if TYPE_CHECKING:
    from redis import Redis
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

RECONNECT_SECONDS = 1.0


def channel_of(namespace: str) -> str:
    return f"{namespace}:invalidate"


class Publisher:
    """Sends topics on an install's channel (sync: commits happen in worker threads)."""

    def __init__(self, redis_url: str, namespace: str) -> None:
        from redis import Redis

        self.channel = channel_of(namespace)
        self.client: Redis = Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)

    def publish(self, topic: str) -> None:
        try:
            self.client.publish(self.channel, topic)
        except Exception as exc:  # the change is committed; the cache lifetime still bounds it
            # Only the class name: a Redis error's text can hold the server's address.
            log.warning("could not broadcast %r to other workers: %s", topic, type(exc).__name__)

    def close(self) -> None:
        self.client.close()


_publishers: WeakKeyDictionary[Engine, Publisher] = WeakKeyDictionary()


def attach(engine: Engine, redis_url: str, namespace: str) -> None:
    """Broadcast for the sessions of ``engine`` (one install's database)."""
    _publishers[engine] = Publisher(redis_url, namespace)


def detach(engine: Engine) -> None:
    publisher = _publishers.pop(engine, None)
    if publisher is not None:
        publisher.close()


def broadcast(engine: Engine | None, topic: str) -> bool:
    """Tell the other processes of ``engine``'s install that ``topic`` changed (a topic
    may carry an argument: ``"changes:meppel"``). False: ``engine`` has no publisher."""
    publisher = _publishers.get(engine) if engine is not None else None
    if publisher is None:
        return False
    publisher.publish(topic)
    return True


async def listen(
    redis_url: str, namespace: str, handlers: Mapping[str, Callable[[str | None], None]]
) -> None:
    """Call ``handlers[topic](argument)`` for each ``topic`` or ``topic:argument``
    broadcast on the install's channel, until cancelled; every handler runs with None
    after each (re)subscription (messages may have been missed)."""
    from redis.asyncio import Redis

    while True:
        client = Redis.from_url(redis_url, socket_connect_timeout=1, health_check_interval=30)
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(channel_of(namespace))
                for handler in handlers.values():
                    handler(None)
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    topic, _, argument = bytes(message["data"]).decode().partition(":")
                    topic_handler = handlers.get(topic)
                    if topic_handler is not None:
                        topic_handler(argument or None)
        except Exception as exc:  # Redis away: retry, and clear everything once back
            log.warning("not listening for cache invalidations: %s", type(exc).__name__)
            await anyio.sleep(RECONNECT_SECONDS)
        finally:
            with anyio.CancelScope(shield=True):
                await client.aclose()
