"""SaaS subscriptions sold through the marketplace: the Fulfillment API v2, the Metering API and their credentials.

The publisher's own service calls these APIs (Microsoft's ``azuremarketplace`` client works against them unchanged);
customers change and cancel their subscriptions from the storefront, which calls this app's services.
"""
