FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg libsndfile1 espeak-ng \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 user
USER user
ENV HOME=/home/user PATH=/home/user/.local/bin:$PATH PYTHONUNBUFFERED=1 GRADIO_SERVER_NAME=0.0.0.0
WORKDIR /home/user/app
COPY --chown=user requirements.txt pyproject.toml README.md ./
RUN pip install --no-cache-dir --user -r requirements.txt
COPY --chown=user . .
RUN pip install --no-cache-dir --user --no-deps -e .
EXPOSE 7860
CMD ["python", "app.py"]
