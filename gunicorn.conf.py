# gunicorn reads this file from the working directory (/app in the image) whatever the command
# line: it keeps secret-token URLs out of the access log (meetup/logredact.py).
logger_class = "meetup.logredact.GunicornLogger"
