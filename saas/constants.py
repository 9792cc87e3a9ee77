"""Limits and fixed values of the SaaS Fulfillment and Metering APIs, as Microsoft documents them."""

API_VERSION = "2018-08-31"
ACCESS_TOKEN_SECONDS = 3600  # an Entra access token lives an hour; ours too
TOKEN_AUDIENCE = "20e940b3-4c77-4b0b-9a53-9e16a1b010a7"  # the marketplace API's resource ID the client asks for
TOKEN_ISSUER_PATH = "/api/oauth2/token"
WEBHOOK_TOKEN_SECONDS = 300  # the connection webhook's bearer JWT: minted when sent, short-lived
MARKETPLACE_TOKEN_SECONDS = 24 * 60 * 60  # a landing page token: 24 hours, and only until it is resolved
SUBSCRIPTIONS_PAGE = 100  # list subscriptions: rows per page before @nextLink
BODY_MAX_BYTES = 64 * 1024  # a request body larger than this is refused (400)
JSON_DEPTH_MAX = 8  # nesting deeper than this is refused (400)
BATCH_MAX = 25  # batchUsageEvent: at most 25 events
USAGE_MAX_AGE_HOURS = 24  # an event older than this is Expired
QUANTITY_MAX = 1_000_000_000  # seats and usage quantities above this are refused
OPERATION_ANSWER_HOURS = 24  # an operation the publisher never answers is applied after this (see README)
SECRET_BYTES = 32
