"""Lambda handlers behind API Gateway (REST, proxy integration): ``chat.handler`` and ``health.handler``."""
