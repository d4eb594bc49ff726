# aeviz for a class: one container is one copy of the app (a job pool, its own memory); several copies behind a
# load balancer with sticky sessions share the live models and the saved ones through one volume (deploy/compose.yaml).
# Not built on the development machine (it has no container engine); see README, "Running a class server".
FROM python:3.11-slim

WORKDIR /app
# torch's CPU wheel from PyTorch's own index: PyPI's Linux wheel of the same version pulls the CUDA libraries (GBs).
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY aeviz ./aeviz
RUN pip install --no-cache-dir -e .
COPY app.py ./
COPY views ./views
COPY checkpoints ./checkpoints
COPY .streamlit ./.streamlit

# Shared by every copy (mount one volume at /shared): live models (?model=live:KEY links) and the class's saves.
ENV AEVIZ_LIVE_DIR=/shared/live \
    AEVIZ_USER_CHECKPOINTS=/shared/user_checkpoints \
    AEVIZ_CACHE_DIR=/tmp/aeviz-cache
EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
