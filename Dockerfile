# One image for every Clearinghouse process; its argument names which one:
#   docker run IMAGE members | toolkits | search | notifications | gateway
# Build from a checkout: docker build -t clearinghouse .

# GraphiQL's assets, fetched and checked exactly as `make setup` does (pinned npm packages
# with their digests), so the gateway serves them without a third-party CDN.
FROM node:20.20.2-bookworm AS graphiql
WORKDIR /src
COPY Makefile ./
RUN make graphiql

FROM python:3.11.7-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DATA_DIR=/data
WORKDIR /app
# The pinned dependencies in their own layer: rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > requirements.txt \
 && pip install --no-cache-dir -r requirements.txt \
 && groupadd --system --gid 10001 clearinghouse \
 && useradd --system --uid 10001 --gid clearinghouse --home-dir /app --shell /usr/sbin/nologin clearinghouse \
 && mkdir /data && chown clearinghouse:clearinghouse /data
COPY clearinghouse ./clearinghouse
COPY services ./services
COPY gateway ./gateway
COPY ops ./ops
COPY --from=graphiql /src/gateway/static/graphiql ./gateway/static/graphiql
USER 10001:10001
# 8000: the gateway's GraphQL and health; 9101-9104: each service's metrics and health.
EXPOSE 8000 9101 9102 9103 9104
ENTRYPOINT ["python", "-m", "ops.serve"]
CMD ["gateway"]
